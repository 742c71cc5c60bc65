# Conduit AMI: Debian 12 (bookworm) + the Ansible playbook ../ansible/playbooks/ami.yml.
# Written for Packer 1.6.6 (Debian 12's package), which has the amazon-ebs builder and the
# ansible provisioner built in. For Packer >= 1.7 see plugins.pkr.hcl.newer and README.md.

locals {
  repo        = "${abspath(path.root)}/.."
  jar_path    = var.jar_path != "" ? abspath(var.jar_path) : "${local.repo}/app/target/conduit.jar"
  runtime_dir = var.runtime_dir != "" ? abspath(var.runtime_dir) : "${local.repo}/app/target/runtime"
  timestamp   = regex_replace(timestamp(), "[- TZ:]", "")
  ami_name    = "conduit-${var.app_version}-${local.timestamp}"
  tags = {
    Application = "conduit"
    AppVersion  = var.app_version
    GitSha      = var.git_sha
    BaseImage   = "debian-12-amd64"
    BuiltBy     = "packer"
  }
}

source "amazon-ebs" "conduit" {
  region          = var.region
  instance_type   = var.instance_type
  ami_name        = local.ami_name
  ami_description = "Conduit ${var.app_version} (${var.git_sha}) on Debian 12"
  ami_users       = var.ami_users

  # Copies of the finished image in other regions (production's standby region): the manifest's
  # artifact_id then lists "<region>:<ami>" for each, and scripts/release passes the standby
  # region's id as standby_ami_id. Encrypted snapshots are re-encrypted there with the region's
  # default EBS key unless region_kms_key_ids names one.
  ami_regions        = var.ami_regions
  region_kms_key_ids = var.region_kms_key_ids

  # Newest official Debian 12 image, published by Debian's AWS account.
  source_ami_filter {
    filters = {
      name                = "debian-12-amd64-*"
      architecture        = "x86_64"
      virtualization-type = "hvm"
      root-device-type    = "ebs"
    }
    owners      = ["136693071363"]
    most_recent = true
  }

  # IMDSv2 only on the build instance: Packer 1.6.6 has no metadata_options block (added
  # in the amazon plugin for Packer >= 1.7, see README.md), so the first provisioner below
  # refuses to continue unless the instance rejects IMDSv1 (set the account's default once:
  # aws ec2 modify-instance-metadata-defaults --http-tokens required).

  # Encrypted gp3 root volume; the AMI snapshot is encrypted with the same key.
  launch_block_device_mappings {
    device_name           = "/dev/xvda"
    volume_size           = var.root_volume_size
    volume_type           = "gp3"
    iops                  = 3000
    throughput            = 125
    encrypted             = true
    kms_key_id            = var.kms_key_id
    delete_on_termination = true
  }

  subnet_id                   = var.subnet_id
  associate_public_ip_address = var.associate_public_ip_address
  ena_support                 = true

  temporary_security_group_source_cidrs = var.ssh_source_cidrs
  ssh_interface                         = var.ssh_interface

  communicator              = "ssh"
  ssh_username              = "admin"
  ssh_timeout               = "10m"
  ssh_clear_authorized_keys = true

  tags            = local.tags
  snapshot_tags   = local.tags
  run_tags        = merge(local.tags, { Name = "packer-${local.ami_name}" })
  run_volume_tags = local.tags
}

build {
  sources = ["source.amazon-ebs.conduit"]

  # Fail closed unless the build instance requires IMDSv2 (an IMDSv1 request must get 401),
  # then let cloud-init finish (apt sources, the admin user) before the playbook runs.
  provisioner "shell" {
    inline = [
      "code=$(python3 -c 'import urllib.request,urllib.error\ntry:\n urllib.request.urlopen(\"http://169.254.169.254/latest/meta-data/instance-id\", timeout=5); print(200)\nexcept urllib.error.HTTPError as e: print(e.code)')",
      "if [ \"$code\" != 401 ]; then echo \"IMDSv1 answered $code: the build instance must require IMDSv2\" >&2; exit 1; fi",
      "cloud-init status --wait || true",
    ]
  }

  provisioner "ansible" {
    playbook_file = "${local.repo}/ansible/playbooks/ami.yml"
    user          = "admin"
    use_proxy     = false
    ansible_env_vars = [
      "ANSIBLE_CONFIG=${local.repo}/ansible/ansible.cfg",
      "ANSIBLE_NOCOLOR=1",
    ]
    extra_arguments = [
      "--become",
      "--extra-vars",
      jsonencode({
        conduit_app_jar_src                             = local.jar_path
        conduit_runtime_src                             = local.runtime_dir
        conduit_hardening_ssm_agent_deb                 = abspath(var.ssm_agent_deb)
        conduit_observability_cloudwatch_agent_deb      = abspath(var.cloudwatch_agent_deb)
        conduit_hardening_ssm_agent_required            = true
        conduit_observability_cloudwatch_agent_required = true
      }),
    ]
  }

  # Leave no trace of the build in the image: apt caches, logs, machine id, cloud-init state.
  provisioner "shell" {
    execute_command = "sudo env {{ .Vars }} sh -eu {{ .Path }}"
    inline = [
      "apt-get clean",
      "rm -rf /var/lib/apt/lists/* /tmp/* /var/tmp/*",
      "truncate -s 0 /etc/machine-id",
      "rm -f /var/lib/dbus/machine-id",
      "cloud-init clean --logs",
      "journalctl --rotate && journalctl --vacuum-time=1s",
    ]
  }

  post-processor "manifest" {
    output     = "${path.root}/manifest.json"
    strip_path = true
    custom_data = {
      app_version = var.app_version
      git_sha     = var.git_sha
    }
  }
}
