"""A cooperative as a report shows it: where it is, and its names of regions."""

from __future__ import annotations

import dataclasses

from reporting.domain.regions import region_name

__all__ = ["CoopInfo"]


@dataclasses.dataclass(frozen=True, slots=True)
class CoopInfo:
    cooperative_id: str
    name: str | None
    coop_type: str | None
    province_code: str | None
    regency_code: str | None
    time_zone: str | None

    def as_dict(self) -> dict[str, str | None]:
        """The fields, and the names of the province and regency (Kemendagri table)."""
        return dataclasses.asdict(self) | {"province_name": region_name(self.province_code),
                                           "regency_name": region_name(self.regency_code)}
