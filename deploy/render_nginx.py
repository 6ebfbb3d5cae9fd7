"""Write an nginx configuration for CellTx from deploy/nginx.conf.template.

    python deploy/render_nginx.py --upstream 10.0.0.11:8000 --upstream 10.0.0.12:8000 \\
        --certificate /etc/ssl/celltx.pem --certificate-key /etc/ssl/celltx.key \\
        --server-name celltx.example --runtime-dir /var/lib/celltx-nginx \\
        --log-dir /var/log/nginx > /etc/nginx/nginx.conf

The CI cluster check (deploy/check_cluster.py) renders the same template, so
the configuration that is tested is the one that is deployed.
"""

import argparse
from pathlib import Path

DEPLOY_DIR = Path(__file__).resolve().parent


def render(
    upstreams,
    certificate,
    certificate_key,
    runtime_dir,
    log_dir,
    server_name="_",
    http_listen="80",
    https_listen="443",
):
    https_port = https_listen.rsplit(":", 1)[-1]
    values = {
        "UPSTREAM_SERVERS": "\n".join(
            f"        server {upstream} max_fails=1 fail_timeout=5s;"
            for upstream in upstreams
        ),
        "TLS_CERTIFICATE": certificate,
        "TLS_CERTIFICATE_KEY": certificate_key,
        "RUNTIME_DIR": runtime_dir,
        "LOG_DIR": log_dir,
        "SERVER_NAME": server_name,
        "HTTP_LISTEN": http_listen,
        "HTTPS_LISTEN": https_listen,
        "HTTPS_PORT_SUFFIX": "" if https_port == "443" else f":{https_port}",
        "DEPLOY_DIR": str(DEPLOY_DIR),
    }
    text = (DEPLOY_DIR / "nginx.conf.template").read_text()
    for name, value in values.items():
        text = text.replace(f"@@{name}@@", str(value))
    if "@@" in text:
        raise ValueError("a placeholder in nginx.conf.template was not filled")
    return text


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upstream", action="append", required=True)
    parser.add_argument("--certificate", required=True)
    parser.add_argument("--certificate-key", required=True)
    parser.add_argument("--runtime-dir", required=True)
    parser.add_argument("--log-dir", required=True)
    parser.add_argument("--server-name", default="_")
    parser.add_argument("--http-listen", default="80")
    parser.add_argument("--https-listen", default="443")
    options = parser.parse_args()
    print(
        render(
            options.upstream,
            options.certificate,
            options.certificate_key,
            options.runtime_dir,
            options.log_dir,
            options.server_name,
            options.http_listen,
            options.https_listen,
        )
    )


if __name__ == "__main__":
    main()
