#!/usr/bin/python3
"""Loopback stand-in for the two AWS APIs the boot step (conduit-config) calls, for
scripts/check-images.sh. Never contacts AWS.

    fake_aws.py DATA.json PORT_FILE

DATA.json: {"parameters": {"/conduit/test/db_jdbc_url": "...", ...},
            "secrets": {"arn:...": "secret string", ...}}
Answers ssm:GetParametersByPath (recursive, one page) and secretsmanager:GetSecretValue
(JSON 1.1 protocol, any signature accepted), fails every other call, writes the port it
listens on to PORT_FILE and one line per call to stdout.
"""

import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main():
    with open(sys.argv[1], encoding="utf-8") as handle:
        data = json.load(handle)
    parameters = data.get("parameters", {})
    secrets = data.get("secrets", {})

    class Handler(BaseHTTPRequestHandler):
        def reply(self, status, body):
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/x-amz-json-1.1")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_POST(self):  # noqa: N802 - http.server naming
            length = int(self.headers.get("Content-Length", "0"))
            request = json.loads(self.rfile.read(length) or b"{}")
            target = self.headers.get("X-Amz-Target", "")
            print(f"fake-aws: {target}", flush=True)
            if target == "AmazonSSM.GetParametersByPath":
                path = request.get("Path", "").rstrip("/") + "/"
                found = [
                    {"Name": name, "Value": value, "Type": "String", "Version": 1}
                    for name, value in sorted(parameters.items())
                    if name.startswith(path)
                ]
                self.reply(200, {"Parameters": found})
            elif target == "secretsmanager.GetSecretValue":
                arn = request.get("SecretId", "")
                if arn in secrets:
                    self.reply(200, {"ARN": arn, "Name": arn.rsplit(":", 1)[-1], "SecretString": secrets[arn]})
                else:
                    self.reply(400, {"__type": "ResourceNotFoundException", "message": "no such secret"})
            else:
                self.reply(400, {"__type": "UnknownOperationException", "message": target})

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(sys.argv[2], "w", encoding="utf-8") as handle:
        handle.write(str(server.server_address[1]))
    server.serve_forever()


if __name__ == "__main__":
    main()
