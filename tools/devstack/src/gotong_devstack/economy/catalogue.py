"""The demo's public catalogue (issue 15): each cooperative's storefront and the products
it offers buyers outside the region, with a simple SVG placeholder picture each. Pure data.

`economy_seed` sends them through inventory's API after the rest of the cooperative's
inventory: an image upload per listing, the listing (naming the image and the warehouse
that holds the product), the storefront's story. A cooperative whose shop sells nothing
of its own (the KDKMP Kilwaru's shop sells sembako) gets an extra product of its
members' gardens, defined and received for the catalogue. Prices for outside buyers are
above the non-member price: packing and the trip to Waingapu, Tambolaka or Dobo.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

__all__ = ["CATALOGUES", "Catalogue", "ExtraProduct", "Listing", "placeholder_svg"]


@dataclass(frozen=True)
class Listing:
    sku: str
    title: str
    description: str
    village: str | None
    unit_label: str
    unit_qty: int  # base units of the product in one sale unit
    price_idr: int  # for outside buyers, per sale unit
    low_threshold: int
    colours: tuple[str, str]  # the placeholder's background and motif
    show_quantity: bool = False

    def body(self, product_id: str, warehouse_id: str, photo: str, regency: str
             ) -> dict[str, Any]:
        return {"product_id": product_id, "warehouse_id": warehouse_id, "title": self.title,
                "description": self.description, "photos": [photo],
                "origin": {"regency": regency, "village": self.village},
                "unit": {"label": self.unit_label, "qty": self.unit_qty},
                "price_idr": self.price_idr, "low_threshold": self.low_threshold,
                "show_quantity": self.show_quantity}


@dataclass(frozen=True)
class ExtraProduct:
    """A product defined for the catalogue only, received once into the shop."""

    sku: str
    name: str
    qty_g: int
    total_cost_idr: int

    def body(self) -> dict[str, Any]:
        return {"sku": self.sku, "name": self.name, "category": "farm_produce",
                "base_unit": "g", "lot_tracking": "none"}


@dataclass(frozen=True)
class Catalogue:
    story: str
    region: str
    regency: str  # the origin printed on each product
    listings: tuple[Listing, ...]
    extra: tuple[ExtraProduct, ...] = ()


def placeholder_svg(title: str, colours: tuple[str, str]) -> bytes:
    """A 4:3 picture of a few hundred bytes: a woven band of the motif colour and the
    product's name (the same bytes every run, so its upload replays)."""
    background, motif = colours
    words = escape(title if len(title) <= 34 else title[:33] + "…")
    diamonds = "".join(f'<path d="M{x} 200l40 40-40 40-40-40z"/>' for x in range(40, 640, 80))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="640" height="480" '
            f'viewBox="0 0 640 480"><rect width="640" height="480" fill="{background}"/>'
            f'<g fill="{motif}">{diamonds}</g>'
            f'<text x="320" y="400" font-family="sans-serif" font-size="30" fill="#fff" '
            f'text-anchor="middle">{words}</text></svg>').encode()


CATALOGUES: dict[str, Catalogue] = {
    "tenun-lambanapu": Catalogue(
        story=("Kami perempuan penenun Lambanapu di Sumba Timur. Setiap kain ditenun tangan "
               "berbulan-bulan dengan motif leluhur dan pewarna alami dari akar mengkudu dan "
               "daun nila. Hasil penjualan kembali ke penenun dan ke koperasi."),
        region="Sumba Timur, Nusa Tenggara Timur", regency="Sumba Timur",
        listings=(
            Listing("TENUN-HINGGI-KOMBU", "Kain tenun ikat hinggi kombu, pewarna alami",
                    "Hinggi untuk laki-laki, ditenun tangan oleh anggota koperasi. Warna merah "
                    "kombu dari akar mengkudu, biru dari nila. Sekitar 250 x 120 cm; setiap "
                    "kain berbeda.", "Lambanapu", "lembar", 1, 2_750_000, 1,
                    ("#7a2e1c", "#e0b05c"), show_quantity=True),
            Listing("TENUN-LAU-PAHIKUNG", "Sarung tenun lau pahikung",
                    "Lau untuk perempuan dengan teknik pahikung (songket ikat). Ditenun tangan, "
                    "pewarna alami.", "Lambanapu", "lembar", 1, 1_950_000, 1,
                    ("#23395d", "#d9c27a"), show_quantity=True),
            Listing("SELENDANG-IKAT", "Selendang tenun ikat Sumba",
                    "Selendang ringan bermotif kuda dan udang, cocok untuk hadiah.",
                    "Lambanapu", "lembar", 1, 395_000, 2, ("#8c3b2a", "#f2e3c6")),
        )),
    "kopi-wewewa": Catalogue(
        story=("Petani kopi dataran tinggi Wewewa menanam arabika di bawah pohon pelindung. "
               "Koperasi membeli panen anggota dengan harga adil, menjemur dan menyangrai "
               "sendiri."),
        region="Sumba Barat Daya, Nusa Tenggara Timur", regency="Sumba Barat Daya",
        listings=(
            Listing("KOPI-ARABIKA-GB", "Kopi arabika Wewewa, green bean",
                    "Biji kopi mentah arabika dari kebun anggota di Wewewa, proses semi-washed, "
                    "kadar air 12 %. Dijual per kilogram.", None, "kg", 1000, 105_000, 20,
                    ("#3b2a1e", "#7fa35b")),
            Listing("KOPI-BUBUK-250G", "Kopi bubuk arabika Wewewa 250 g",
                    "Disangrai sedang oleh unit sangrai koperasi dan digiling halus. Kemasan "
                    "250 g.", None, "bungkus", 1, 55_000, 10, ("#4a2f23", "#c8a165")),
        )),
    "ksp-nusa-kenari": Catalogue(
        story=("Anggota kami di Alor memungut kenari dari kebun keluarga dan mengupasnya "
               "dengan tangan. Koperasi menjual kenari kupas untuk menambah simpanan "
               "anggota."),
        region="Alor, Nusa Tenggara Timur", regency="Alor",
        listings=(
            Listing("KENARI-KUPAS-250G", "Kenari kupas Alor 250 g",
                    "Kenari Alor dikupas tangan, gurih dan renyah. Kemasan 250 g.", None,
                    "bungkus", 1, 58_000, 5, ("#6b4f2a", "#e6cf9f")),
        )),
    "kdkmp-kilwaru": Catalogue(
        story=("Koperasi Desa Merah Putih Kilwaru melayani warga desa di Seram Bagian Timur. "
               "Pala dan cengkeh dari kebun anggota kami kini dijual ke luar pulau."),
        region="Seram Bagian Timur, Maluku", regency="Seram Bagian Timur",
        listings=(
            Listing("PALA-BIJI-KERING", "Biji pala kering Kilwaru",
                    "Pala Banda dari kebun anggota, dijemur matahari. Dijual per kilogram.",
                    "Kilwaru", "kg", 1000, 140_000, 5, ("#5a3a22", "#d98b3a")),
        ),
        extra=(ExtraProduct("PALA-BIJI-KERING", "Biji pala kering", 40_000, 4_400_000),)),
    "nelayan-jargaria": Catalogue(
        story=("Nelayan Jargaria di Kepulauan Aru menangkap ikan dengan pancing dan jaring "
               "kecil. Hasil tangkapan dibekukan di cold storage koperasi pada hari yang "
               "sama."),
        region="Kepulauan Aru, Maluku", regency="Kepulauan Aru",
        listings=(
            Listing("IKAN-KAKAP-MERAH", "Ikan kakap merah beku Aru",
                    "Kakap merah utuh, dibekukan cepat di cold storage koperasi. Dikirim dalam "
                    "kotak styrofoam berisi es.", "Jargaria", "kg", 1000, 75_000, 20,
                    ("#1d4e6b", "#e0604a")),
            Listing("TERIPANG-KERING", "Teripang kering Aru",
                    "Teripang pasir dari perairan Aru, dibersihkan dan dikeringkan oleh "
                    "pengolah anggota.", "Jargaria", "kg", 1000, 560_000, 2,
                    ("#2b3a42", "#b89b72")),
            Listing("RUMPUT-LAUT-KERING", "Rumput laut kering (Eucheuma cottonii)",
                    "Rumput laut budi daya anggota, dijemur kering. Untuk industri dan olahan "
                    "rumah tangga.", "Jargaria", "kg", 1000, 22_000, 50,
                    ("#2f5d50", "#a7c957")),
        )),
}
