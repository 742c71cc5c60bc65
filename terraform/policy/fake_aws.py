#!/usr/bin/env python3
"""Tiny loopback stand-in for the few AWS APIs `terraform plan` calls.

Used only by scripts/check-terraform.sh for the offline plan. A plan of new
resources calls AWS only for data sources; these calls are answered with
fixed, obviously fake values:

  sts:GetCallerIdentity               (data "aws_caller_identity")
  ec2:DescribeImages                  (data "aws_ami"; no longer used: the AMI is ami_id)
  ec2:GetInstanceUefiData             (data "aws_ami" reads the image's UEFI data)
  secretsmanager:GetRandomPassword    (data "aws_secretsmanager_random_password")

Every request is appended to the log file; any other API call is answered
with an error so that the plan fails loudly instead of silently depending on
AWS. Usage: fake_aws.py <port-file> <request-log>
"""
import json
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ACCOUNT = "111111111111"
FAKE_AMI = "ami-0fa4e0ff1ce0ff1ce"
# Alphanumeric like the real call with ExcludePunctuation; not a secret.
FAKE_PASSWORD = "OfflinePlanOnlyNotASecret0123456789abcdefghijklmnopqrstuvwxyzAB"[:64]


def sts_identity():
    return f"""<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::{ACCOUNT}:user/offline-plan</Arn>
    <UserId>AIDAOFFLINEPLAN</UserId>
    <Account>{ACCOUNT}</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000001</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>"""


def ec2_images(params):
    version = "offline"
    for key, values in params.items():
        if key.startswith("Filter.") and key.endswith(".Name") and values[0] == "tag:AppVersion":
            version = params.get(key.replace(".Name", ".Value.1"), ["offline"])[0]
    return f"""<DescribeImagesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>00000000-0000-0000-0000-000000000002</requestId>
  <imagesSet>
    <item>
      <imageId>{FAKE_AMI}</imageId>
      <imageLocation>{ACCOUNT}/conduit-{version}-offline</imageLocation>
      <imageState>available</imageState>
      <imageOwnerId>{ACCOUNT}</imageOwnerId>
      <creationDate>2025-01-01T00:00:00.000Z</creationDate>
      <isPublic>false</isPublic>
      <architecture>x86_64</architecture>
      <imageType>machine</imageType>
      <name>conduit-{version}-offline</name>
      <rootDeviceType>ebs</rootDeviceType>
      <rootDeviceName>/dev/xvda</rootDeviceName>
      <blockDeviceMapping/>
      <virtualizationType>hvm</virtualizationType>
      <hypervisor>xen</hypervisor>
      <enaSupport>true</enaSupport>
      <tagSet>
        <item><key>AppVersion</key><value>{version}</value></item>
      </tagSet>
    </item>
  </imagesSet>
</DescribeImagesResponse>"""


class Handler(BaseHTTPRequestHandler):
    log_path = None

    def log_message(self, fmt, *args):  # keep stderr quiet
        pass

    def record(self, what):
        with open(self.log_path, "a", encoding="utf-8") as fh:
            fh.write(what + "\n")

    def reply(self, status, body, content_type):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", "00000000-0000-0000-0000-000000000000")
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.record(f"UNSUPPORTED GET {self.path}")
        self.reply(400, "offline fake AWS: unsupported request", "text/plain")

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0") or 0)).decode("utf-8", "replace")
        target = self.headers.get("X-Amz-Target", "")
        if target:
            self.record(f"json {target}")
            if target == "secretsmanager.GetRandomPassword":
                self.reply(200, json.dumps({"RandomPassword": FAKE_PASSWORD}), "application/x-amz-json-1.1")
                return
            self.record(f"UNSUPPORTED {target}")
            self.reply(400, json.dumps({"__type": "UnsupportedOperation", "message": f"offline fake AWS: {target}"}),
                       "application/x-amz-json-1.1")
            return
        params = urllib.parse.parse_qs(body)
        action = params.get("Action", [""])[0]
        self.record(f"query {action}")
        if action == "GetCallerIdentity":
            self.reply(200, sts_identity(), "text/xml")
        elif action == "DescribeImages":
            self.reply(200, ec2_images(params), "text/xml")
        elif action == "GetInstanceUefiData":
            # data "aws_ami" reads the (absent) UEFI data of the image.
            self.reply(200, """<GetInstanceUefiDataResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>00000000-0000-0000-0000-000000000003</requestId>
</GetInstanceUefiDataResponse>""", "text/xml")
        else:
            self.record(f"UNSUPPORTED {action or self.path}")
            self.reply(400, f"<ErrorResponse><Error><Code>UnsupportedOperation</Code><Message>offline fake AWS: {action}</Message></Error></ErrorResponse>",
                       "text/xml")


def main():
    port_file, log_file = sys.argv[1], sys.argv[2]
    Handler.log_path = log_file
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(port_file, "w", encoding="utf-8") as fh:
        fh.write(str(server.server_address[1]))
    server.serve_forever()


if __name__ == "__main__":
    main()
