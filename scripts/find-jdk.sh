# Sourced by ./lanes and ./test: finds a JDK 25+ that has jdk.incubator.vector and exports
# JAVA_HOME and PATH for it. Nothing on the machine needs to be exported by hand.
#
# Order: $JAVA_HOME when it qualifies, then the usual install folders, then the javac on PATH.
# Among the candidates found outside JAVA_HOME, 25 wins, else the newest newer one.

lanes_jdk_feature() {  # prints the feature version of the JDK at $1 (e.g. 25), or nothing
  local home="$1" version=""
  [ -x "$home/bin/javac" ] && [ -x "$home/bin/java" ] || return 0
  if [ -f "$home/release" ]; then
    grep -q 'jdk.incubator.vector' "$home/release" || return 0
    version=$(sed -n 's/^JAVA_VERSION="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$home/release")
  fi
  if [ -z "$version" ]; then
    version=$("$home/bin/java" -XshowSettings:properties -version 2>&1 \
      | sed -n 's/^ *java.specification.version = //p')
  fi
  version=${version%%.*}
  case "$version" in ''|*[!0-9]*) return 0 ;; esac
  echo "$version"
}

lanes_find_jdk() {
  local v
  if [ -n "${JAVA_HOME:-}" ]; then
    v=$(lanes_jdk_feature "$JAVA_HOME")
    if [ -n "$v" ] && [ "$v" -ge 25 ]; then echo "$JAVA_HOME"; return 0; fi
  fi
  local best="" best_v=0 home
  local javac_on_path
  javac_on_path=$(command -v javac 2>/dev/null || true)
  for home in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* /opt/*jdk* /usr/local/*jdk* \
              "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* /Library/Java/JavaVirtualMachines/*/Contents/Home \
              ${javac_on_path:+"$(dirname "$(dirname "$(readlink -f "$javac_on_path")")")"}; do
    [ -d "$home" ] || continue
    v=$(lanes_jdk_feature "$home")
    [ -n "$v" ] && [ "$v" -ge 25 ] || continue
    if [ "$v" -eq 25 ] && [ "$best_v" -ne 25 ]; then best="$home"; best_v=25
    elif [ "$best_v" -ne 25 ] && [ "$v" -gt "$best_v" ]; then best="$home"; best_v=$v
    fi
  done
  [ -n "$best" ] && echo "$best"
}

LANES_JDK=$(lanes_find_jdk || true)
if [ -z "$LANES_JDK" ]; then
  echo "lanes: no JDK 25 or newer found (checked JAVA_HOME, /usr/lib/jvm, /opt, ~/.sdkman, ~/.jdks and the javac on PATH)." >&2
  echo "lanes: install one, for example 'apt-get install temurin-25-jdk' (Adoptium repository) or a download from https://adoptium.net, or set JAVA_HOME to it." >&2
  exit 1
fi
export JAVA_HOME="$LANES_JDK"
export PATH="$JAVA_HOME/bin:$PATH"
