"""Create a fresh, empty PostgreSQL database for a benchmark run."""

import sys

import psycopg


def recreate(name: str, server_url: str) -> None:
    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


if __name__ == "__main__":
    command, name, server_url = sys.argv[1:4]
    if command != "recreate" or not name.startswith("celltx_bench"):
        sys.exit("usage: pg.py recreate celltx_bench_<name> postgres://host:port")
    recreate(name, server_url)
