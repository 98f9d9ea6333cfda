"""Backups (CloudNativePG with the Barman Cloud Plugin): every service's database archives its
WAL and is backed up every day to an object store that keeps a recovery window, and a
cluster restored from such a store reads the archive it came from and writes a new one.

The event store is the system of record, so these are rules, not advice. The vendored CRDs
give the shapes (checks/crd_schemas.py); what they leave to CEL rules or to the operator's
webhook, and what only makes sense across documents, is checked here.
"""

from __future__ import annotations

import re
from datetime import datetime

from .docs import Doc, by_name, name_of, of_kind, ref
from .expected import BACKUP_PLUGIN, BACKUP_RETENTION_MIN_DAYS, SERVICES

# barman-cloud's recovery window, as the ObjectStore CRD spells it: 30d, 4w, 1m.
_RETENTION = re.compile(r"^([1-9][0-9]*)([dwm])$")
_DAYS_PER_UNIT = {"d": 1, "w": 7, "m": 28}  # a month counted short, so the floor holds


def backup_problems(docs: list[Doc]) -> list[str]:
    clusters = by_name(docs, "Cluster")
    stores = by_name(docs, "ObjectStore")
    problems = store_problems(stores)
    archives: dict[tuple[str, str], str] = {}
    for cluster in clusters.values():
        archive = archive_of(cluster, stores, problems)
        if archive is None:
            continue
        if archive in archives:
            problems.append(f"{ref(cluster)}: archives into {archive}, as does "
                            f"Cluster/{archives[archive]}")
        archives[archive] = name_of(cluster)
        if "recovery" in cluster["spec"].get("bootstrap", {}):
            problems += recovery_problems(cluster, stores, archive)
    for service in SERVICES:
        name = f"gotong-{service}-db"
        if name in clusters and not daily_backups(docs, name):
            problems.append(f"Cluster/{name}: no daily ScheduledBackup through the plugin "
                            "(not suspended, immediate)")
    for backup in of_kind(docs, "ScheduledBackup"):
        spec = backup["spec"]
        if spec.get("suspend", False):
            problems.append(f"{ref(backup)}: suspended")
        if spec.get("method") != "plugin" or (
                spec.get("pluginConfiguration", {}).get("name") != BACKUP_PLUGIN):
            problems.append(f"{ref(backup)}: not a backup through {BACKUP_PLUGIN}")
    return problems


def store_problems(stores: dict[str, Doc]) -> list[str]:
    problems = []
    for store in stores.values():
        spec = store["spec"]
        match = _RETENTION.match(spec.get("retentionPolicy", ""))
        if match is None:
            problems.append(f"{ref(store)}: no retentionPolicy (backups would pile up forever)")
        elif int(match.group(1)) * _DAYS_PER_UNIT[match.group(2)] < BACKUP_RETENTION_MIN_DAYS:
            problems.append(f"{ref(store)}: retentionPolicy {spec['retentionPolicy']} keeps "
                            f"less than {BACKUP_RETENTION_MIN_DAYS} days")
        # The CRD's CEL rule: the archive's name is the Cluster's business (serverName).
        if "serverName" in spec.get("configuration", {}):
            problems.append(f"{ref(store)}: configuration.serverName is set; use the "
                            "plugin's serverName parameter in the Cluster")
    return problems


def archive_of(cluster: Doc, stores: dict[str, Doc], problems: list[str]) -> tuple[str, str] | None:
    """Where ``cluster`` archives its WAL: (destinationPath, serverName); None (and a
    problem) when it does not archive through the plugin."""
    spec = cluster["spec"]
    if "barmanObjectStore" in spec.get("backup", {}):
        problems.append(f"{ref(cluster)}: spec.backup.barmanObjectStore is deprecated "
                        "(removed in CloudNativePG 1.31); use the Barman Cloud Plugin")
    archivers = [p for p in spec.get("plugins", [])
                 if p.get("name") == BACKUP_PLUGIN and p.get("isWALArchiver")]
    if len(archivers) != 1:
        problems.append(f"{ref(cluster)}: {len(archivers)} WAL archivers through "
                        f"{BACKUP_PLUGIN}, wanted 1")
        return None
    (archiver,) = archivers
    parameters = archiver.get("parameters", {})
    store = stores.get(parameters.get("barmanObjectName", ""))
    if store is None:
        problems.append(f"{ref(cluster)}: archives to an unknown ObjectStore "
                        f"{parameters.get('barmanObjectName')!r}")
        return None
    return (store["spec"]["configuration"]["destinationPath"],
            parameters.get("serverName", name_of(cluster)))


def recovery_problems(cluster: Doc, stores: dict[str, Doc],
                      archive: tuple[str, str]) -> list[str]:
    """A cluster bootstrapped from a backup: the operator's webhook rules (one bootstrap
    method, a source among the external clusters), a source read through the plugin from a
    known store, a new archive of its own, a target time with its offset, and the service's
    own database and owner (so the Secret the workloads read is generated as before)."""
    problems: list[str] = []
    spec = cluster["spec"]
    bootstrap = spec["bootstrap"]
    recovery = bootstrap["recovery"]
    if len(bootstrap) != 1:
        problems.append(f"{ref(cluster)}: more than one bootstrap method")
    sources = {c["name"]: c for c in spec.get("externalClusters", [])}
    source = sources.get(recovery.get("source", ""))
    if source is None or source.get("plugin", {}).get("name") != BACKUP_PLUGIN:
        return [*problems, f"{ref(cluster)}: recovery source {recovery.get('source')!r} is "
                f"not an external cluster read through {BACKUP_PLUGIN}"]
    parameters = source["plugin"].get("parameters", {})
    store = stores.get(parameters.get("barmanObjectName", ""))
    if store is None or "serverName" not in parameters:
        return [*problems, f"{ref(cluster)}: recovery source names no known ObjectStore "
                "and serverName"]
    origin = (store["spec"]["configuration"]["destinationPath"], parameters["serverName"])
    if origin == archive:
        problems.append(f"{ref(cluster)}: archives into the archive it recovers from "
                        f"{origin}: give the plugin a new serverName")
    target = recovery.get("recoveryTarget", {}).get("targetTime")
    if target is not None:
        try:
            moment = datetime.fromisoformat(target)
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            problems.append(f"{ref(cluster)}: targetTime {target!r} is not RFC 3339 with "
                            "an offset")
    service = name_of(cluster).removeprefix("gotong-").removesuffix("-db")
    if (recovery.get("database"), recovery.get("owner")) != (service, service):
        problems.append(f"{ref(cluster)}: recovery must name database and owner {service!r}")
    return problems


def daily_backups(docs: list[Doc], cluster: str) -> list[Doc]:
    """The cluster's ScheduledBackups through the plugin that run at least once a day (six
    cron fields, seconds first: day of month, month and weekday all ``*``) and take their
    first backup at once, without waiting for the schedule."""
    return [b for b in of_kind(docs, "ScheduledBackup")
            if b["spec"]["cluster"]["name"] == cluster and not b["spec"].get("suspend", False)
            and b["spec"].get("method") == "plugin" and b["spec"].get("immediate") is True
            and b["spec"]["schedule"].split()[3:] == ["*", "*", "*"]]
