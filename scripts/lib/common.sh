# Shared by the scripts in scripts/: versions pinned in one place and small helpers.
ESBUILD_VERSION=0.28.2

info() { printf '\033[36m[prebundled]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[31m[prebundled]\033[0m %s\n' "$*" >&2; exit 1; }

# The npm package that carries esbuild's native binary for this machine.
esbuild_platform_package() {
  local os arch
  case "$(uname -s)" in
    Linux) os=linux ;;
    Darwin) os=darwin ;;
    *) die "unsupported OS: $(uname -s)" ;;
  esac
  case "$(uname -m)" in
    x86_64|amd64) arch=x64 ;;
    aarch64|arm64) arch=arm64 ;;
    *) die "unsupported CPU: $(uname -m)" ;;
  esac
  echo "@esbuild/$os-$arch"
}
