#!/usr/bin/env bash
# Registers the Jupyter kernel "ternary-java": rapaio-jupyter-kernel 3.0.1 (a JShell-based Java kernel from
# Maven Central) on JDK 25 with the Vector API, native access and DJL offline, and with this project's classes,
# its dependencies and the ND4J baseline on the classpath. Run it again after changing the project's sources.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
kernel_version=3.0.1
name=ternary-java

java_home="${JAVA_HOME:-}"
if [[ -z "$java_home" || ! -x "$java_home/bin/java" ]] || ! "$java_home/bin/java" -version 2>&1 | grep -q 'version "2[5-9]'; then
  java_home=/usr/lib/jvm/temurin-25-jdk-amd64
fi
if [[ ! -x "$java_home/bin/java" ]]; then
  echo "install-kernel: error: JDK 25 not found; set JAVA_HOME to a JDK 25 or newer" >&2
  exit 1
fi
jupyter=/usr/bin/jupyter
[[ -x "$jupyter" ]] || jupyter="$(command -v jupyter || true)"
if [[ -z "$jupyter" ]]; then
  echo "install-kernel: error: jupyter not found; install it, e.g. apt-get install jupyter jupyter-nbconvert python3-ipykernel" >&2
  exit 1
fi
export JAVA_HOME="$java_home"

echo "install-kernel: building the project and fetching the kernel and ND4J from Maven Central..." >&2
(cd "$root" && ./mvnw -q -B -Dmaven.test.skip=true -pl cli -am package)
(cd "$root" && ./mvnw -q -B dependency:copy -Dartifact="io.github.padreati:rapaio-jupyter-kernel:$kernel_version" \
  -DoutputDirectory="$here/target/kernel")
# slf4j-api 1.7 from ND4J would shadow the project's slf4j 2 binding.
(cd "$here" && "$root/mvnw" -q -B -f pom.xml dependency:copy-dependencies -DoutputDirectory=target/nd4j \
  -DexcludeArtifactIds=slf4j-api)

# Our launcher for the kernel: it removes an upstream start-up race (see KernelLauncher.java).
kernel_jar="$here/target/kernel/rapaio-jupyter-kernel-$kernel_version.jar"
"$java_home/bin/javac" -d "$here/target/kernel/launcher" -cp "$kernel_jar" \
  "$here/launcher/dev/ternary/notebooks/KernelLauncher.java"

# The kernel splits RJK_CLASSPATH on ';' and expands globs.
classpath="$root/cli/target/ternary-cli.jar;$root/cli/target/lib/*.jar;$here/target/nd4j/*.jar"

spec="$here/target/kernelspec/$name"
mkdir -p "$spec"
cat > "$spec/kernel.json" <<JSON
{
  "argv": ["$java_home/bin/java", "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
           "-cp", "$kernel_jar:$here/target/kernel/launcher", "dev.ternary.notebooks.KernelLauncher",
           "{connection_file}"],
  "display_name": "Java 25 (ternary)",
  "language": "java",
  "interrupt_mode": "message",
  "env": {
    "RJK_COMPILER_OPTIONS": "--add-modules jdk.incubator.vector",
    "RJK_CLASSPATH": "$classpath",
    "DJL_OFFLINE": "true",
    "OPT_OUT_TRACKING": "true"
  }
}
JSON
"$jupyter" kernelspec install --user --replace --name "$name" "$spec" >/dev/null
echo "install-kernel: registered kernel '$name' (open the notebooks with it, or run: jupyter nbconvert --to notebook --execute --ExecutePreprocessor.kernel_name=$name notebooks/01-convert.ipynb)" >&2
