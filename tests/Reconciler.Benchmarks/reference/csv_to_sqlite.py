#!/usr/bin/env python3
"""The plain way to load a CSV export into SQLite: the end-to-end benchmark's reference for `reconciler apply`.

Usage: csv_to_sqlite.py USERS.csv OUT.db   (one table with the CSV's columns, id as PRIMARY KEY, an index on email)
"""
import csv
import sqlite3
import sys


def main(csv_path: str, db_path: str) -> None:
    db = sqlite3.connect(db_path, isolation_level=None)  # autocommit: the one transaction below is explicit
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    with open(csv_path, newline="", encoding="utf-8-sig") as export:
        rows = csv.reader(export)
        header = next(rows)
        columns = ", ".join(f'"{name}" TEXT' + (" PRIMARY KEY" if name == "id" else "") for name in header)
        db.execute(f"CREATE TABLE users ({columns})")
        db.execute("BEGIN")
        db.executemany(f"INSERT INTO users VALUES ({', '.join('?' * len(header))})", rows)
        db.execute("CREATE INDEX users_by_email ON users (email)")
        db.execute("COMMIT")
    db.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
