# e2e-lib.sh: sourced by the end-to-end scripts (tests/ui/e2e-*.sh).

# The omsync under test starts its cold chain server. Tests never listen beyond loopback nor on
# a fixed port (8000 may be taken by an omsync someone is running), so it gets loopback and a
# free port, unless the caller chose a port (make-screenshots.sh keeps 8000 for the pictures).
e2e_coldchain_on_loopback () {
  export OMSYNC_COLDCHAIN_LISTEN=127.0.0.1
  if [ -z "${OMSYNC_COLDCHAIN_PORT:-}" ]; then
    OMSYNC_COLDCHAIN_PORT="$(/usr/bin/python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')"
    export OMSYNC_COLDCHAIN_PORT
  fi
}
