# A TCP listener that accepts connections and never writes a byte (an SMTP server that never
# greets). Usage: python3 silent_smtp.py PORT
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(16)
held = []
while True:
    c, _ = s.accept(); held.append(c)
