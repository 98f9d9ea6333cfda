"""The five demo cooperatives' profiles: policy, warehouses, catalogue, and how much they
sell, lend and buy from members month by month."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from gotong_devstack.demo_dates import DemoDates
from gotong_devstack.economy.inventory import Category, Price, Product, Warehouse
from gotong_devstack.economy.payments import InterestMethod, Policy

# The cooperative whose devices stopped syncing: its facts end this many days earlier.
STALE_DAYS = 10


@dataclass(frozen=True)
class LoanProfile:
    count: int
    principals: tuple[int, ...]
    terms: tuple[int, ...]
    rates_bp: tuple[int, ...]
    methods: tuple[InterestMethod, ...]
    purposes: tuple[str, ...]
    overdue: int = 0  # loans that stop repaying after their first instalment
    # Instalments due in the last month wait for the harvest instead of being repaid in
    # cash (the coffee farmers repay by deduction from the produce payout).
    harvest_repays: bool = False
    # Applications during the demo's months (the coffee farmers' pre-harvest loans), on
    # top of the `count` applied in the four months before: (index of the month, day).
    later: tuple[tuple[int, int], ...] = ()

    def cash_until(self, dates: DemoDates) -> date:
        """The last due date of the instalments repaid in cash."""
        return dates.month_start(2) - timedelta(days=1) if self.harvest_repays else dates.until

    def later_days(self, dates: DemoDates) -> list[date]:
        return [dates.month_start(month) + timedelta(days=day - 1) for month, day in self.later]


@dataclass(frozen=True)
class ProduceProfile:
    deliveries: tuple[int, int, int]  # per whole month of the three
    # occupation word -> the SKUs such a member delivers
    by_occupation: tuple[tuple[str, tuple[str, ...]], ...]
    # sku -> (gross min, gross max, tare min, tare max) in grams
    weights: tuple[tuple[str, tuple[int, int, int, int]], ...]
    grades: tuple[str, ...]
    warehouse: str
    harvest_lag: tuple[int, int] = (0, 1)  # days from harvest (or catch) to delivery


@dataclass(frozen=True)
class Profile:
    code: str
    policy: Policy
    warehouses: tuple[Warehouse, ...]
    products: tuple[Product, ...]
    sales: tuple[int, int, int]  # per whole month of the three
    member_share: float  # of the sales
    loans: LoanProfile | None = None
    produce: ProduceProfile | None = None
    # The devices stopped syncing this many days before the demo's last day: nothing later.
    stopped_syncing_days: int = 0
    # sku -> how often the shop sells it in each of the three months (instead of its weight)
    season: tuple[tuple[str, tuple[int, int, int]], ...] = ()

    def weight(self, product: Product, month_index: int) -> int:
        return dict(self.season).get(product.sku, (product.weight,) * 3)[month_index]

    def last_day(self, dates: DemoDates) -> date:
        return dates.until - timedelta(days=self.stopped_syncing_days)


def _pcs(sku: str, name: str, category: Category, member: int, non_member: int, cost: int,
         *, weight: int, supplier: str, max_qty: int = 3) -> Product:
    return Product(sku=sku, name=name, category=category, base_unit="pcs", warehouse="shop",
                   prices=(Price("member", member), Price("non_member", non_member)),
                   unit_cost_idr=cost, weight=weight, max_qty=max_qty, supplier=supplier)


def _produce(sku: str, name: str, buy_per_kg: int, sell_per_kg: int, warehouse: str,
             shelf_life_days: int) -> Product:
    return Product(sku=sku, name=name, category="farm_produce", base_unit="g",
                   warehouse=warehouse,
                   prices=(Price("buy_from_member", buy_per_kg, 1000),
                           Price("non_member", sell_per_kg, 1000)),
                   lot_tracking="lot_expiry", shelf_life_days=shelf_life_days)


def _beras(member: int, non_member: int, cost: int, supplier: str) -> Product:
    return _pcs("BERAS-5KG", "Beras medium 5 kg", "staple_goods", member, non_member, cost,
                weight=6, max_qty=2, supplier=supplier)


def _minyak(member: int, non_member: int, cost: int, supplier: str) -> Product:
    return _pcs("MINYAK-1L", "Minyak goreng 1 liter", "staple_goods", member, non_member,
                cost, weight=5, supplier=supplier)


def _gula(member: int, non_member: int, cost: int, supplier: str) -> Product:
    return _pcs("GULA-1KG", "Gula pasir 1 kg", "staple_goods", member, non_member, cost,
                weight=4, supplier=supplier)


def _npk(member: int, non_member: int, cost: int, weight: int, supplier: str) -> Product:
    return _pcs("PUPUK-NPK-50KG", "Pupuk NPK Phonska 50 kg", "farm_inputs", member,
                non_member, cost, weight=weight, max_qty=2, supplier=supplier)


_WEAVERS = "setoran penenun anggota"


def _shop(name: str) -> Warehouse:
    return Warehouse("shop", name, "shop")


PROFILES: dict[str, Profile] = {
    "tenun-lambanapu": Profile(
        code="TLL",
        policy=Policy(pokok_idr=50_000, wajib_idr=10_000, wajib_due_day=10),
        warehouses=(_shop("Galeri dan Kios Tenun Lambanapu"),),
        products=(
            # The members' cloth, bought from the weavers for the gallery.
            _pcs("TENUN-HINGGI-KOMBU", "Kain tenun ikat hinggi kombu (pewarna alami)",
                 "handicraft", 2_250_000, 2_500_000, 1_800_000, weight=1, max_qty=1,
                 supplier=_WEAVERS),
            _pcs("TENUN-LAU-PAHIKUNG", "Sarung tenun lau pahikung", "handicraft",
                 1_575_000, 1_750_000, 1_300_000, weight=1, max_qty=1, supplier=_WEAVERS),
            _pcs("SELENDANG-IKAT", "Selendang tenun ikat", "handicraft", 315_000, 350_000,
                 250_000, weight=2, max_qty=2, supplier=_WEAVERS),
            _pcs("BENANG-KATUN-500G", "Benang katun tenun, pak 500 g", "farm_inputs", 82_000,
                 90_000, 72_000, weight=4, supplier="Toko Benang Kupang"),
            _beras(72_000, 76_000, 67_000, "UD Sinar Waingapu"),
            _gula(18_000, 19_500, 16_500, "UD Sinar Waingapu"),
        ),
        # The gallery lives on visitors: busy in September, quiet after the season.
        sales=(24, 21, 12), member_share=0.55,
        season=(("TENUN-HINGGI-KOMBU", (1, 0, 0)), ("TENUN-LAU-PAHIKUNG", (1, 1, 0)),
                ("SELENDANG-IKAT", (2, 2, 1))),
    ),
    "kopi-wewewa": Profile(
        code="KWM",
        # The farmers repay at harvest: the payout takes the month's instalment.
        policy=Policy(pokok_idr=100_000, wajib_idr=20_000, wajib_due_day=15,
                      payout_instalments="due_this_month"),
        warehouses=(Warehouse("gudang", "Gudang Kopi Wewewa", "warehouse", 20_000),
                    _shop("Kios Koperasi Kopi Wewewa")),
        products=(
            _produce("KOPI-ARABIKA-GB", "Kopi arabika green bean", 68_000, 90_000, "gudang",
                     365),
            _produce("KOPI-ROBUSTA-GB", "Kopi robusta green bean", 40_000, 52_000, "gudang",
                     365),
            _pcs("KOPI-BUBUK-250G", "Kopi bubuk arabika Wewewa 250 g", "farm_produce", 42_000,
                 48_000, 32_000, weight=3, supplier="unit sangrai koperasi"),
            _npk(125_000, 135_000, 115_000, 3, "Kios Pupuk Lengkap Waitabula"),
            _beras(71_000, 75_000, 66_000, "UD Tambolaka Jaya"),
            _gula(18_000, 19_500, 16_500, "UD Tambolaka Jaya"),
            _minyak(18_000, 19_500, 16_500, "UD Tambolaka Jaya"),
        ),
        # Growing month over month: the harvest brings money into the village.
        sales=(22, 30, 38), member_share=0.7,
        loans=LoanProfile(
            count=3, principals=(1_500_000, 2_000_000, 2_500_000, 3_000_000),
            terms=(10, 12), rates_bp=(100, 125), methods=("flat",),
            purposes=("modal tani: pupuk dan perawatan kebun kopi",
                      "alat pengolahan: mesin pengupas kopi",
                      "modal tani: bibit kopi arabika"),
            harvest_repays=True,
            later=((0, 20), (1, 5))),
        produce=ProduceProfile(
            deliveries=(4, 6, 10),  # the harvest peaks in the last month
            by_occupation=(("kopi", ("KOPI-ARABIKA-GB", "KOPI-ARABIKA-GB", "KOPI-ROBUSTA-GB")),
                           ("petani", ("KOPI-ROBUSTA-GB", "KOPI-ARABIKA-GB"))),
            weights=(("KOPI-ARABIKA-GB", (15_000, 90_000, 200, 600)),
                     ("KOPI-ROBUSTA-GB", (20_000, 120_000, 200, 600))),
            grades=("A", "A", "B"), warehouse="gudang", harvest_lag=(2, 7)),
    ),
    "ksp-nusa-kenari": Profile(
        code="KNK",
        policy=Policy(pokok_idr=75_000, wajib_idr=25_000, wajib_due_day=10),
        warehouses=(_shop("Kios Anggota KSP Nusa Kenari"),),
        products=(
            _pcs("KENARI-KUPAS-250G", "Kenari kupas Alor 250 g", "farm_produce", 45_000,
                 50_000, 38_000, weight=3, supplier="UD Kenari Alor"),
            _pcs("TELUR-30", "Telur ayam ras, 1 rak (30 butir)", "staple_goods", 58_000, 62_000,
                 53_000, weight=3, max_qty=2, supplier="Peternakan Ayam Moru"),
            _beras(72_000, 76_000, 67_000, "Toko Sumber Rejeki Kalabahi"),
            _minyak(18_500, 20_000, 17_000, "Toko Sumber Rejeki Kalabahi"),
            _gula(18_500, 20_000, 17_000, "Toko Sumber Rejeki Kalabahi"),
        ),
        sales=(24, 26, 21), member_share=0.75,
        loans=LoanProfile(
            count=4, principals=(2_000_000, 2_500_000, 3_000_000, 4_000_000, 5_000_000),
            terms=(6, 10, 12), rates_bp=(150, 175, 200),
            methods=("flat", "declining_balance"),
            purposes=("modal usaha kios", "biaya sekolah anak", "perbaikan rumah",
                      "modal melaut: mesin ketinting", "modal ternak kambing"),
            overdue=1),
    ),
    "kdkmp-kilwaru": Profile(
        code="KMP",
        policy=Policy(pokok_idr=50_000, wajib_idr=10_000, wajib_due_day=10),
        warehouses=(_shop("Gerai Sembako KDMP Kilwaru"),),
        products=(
            _beras(76_000, 80_000, 71_000, "CV Bula Makmur"),
            _minyak(19_500, 21_000, 18_000, "CV Bula Makmur"),
            _gula(19_500, 21_000, 18_000, "CV Bula Makmur"),
            _pcs("TEPUNG-1KG", "Tepung terigu 1 kg", "staple_goods", 14_000, 15_500, 12_500,
                 weight=3, supplier="CV Bula Makmur"),
            _pcs("MIE-INSTAN-40", "Mi instan, 1 dus (40 bungkus)", "staple_goods", 125_000,
                 132_000, 116_000, weight=2, max_qty=2, supplier="CV Bula Makmur"),
            _pcs("LPG-3KG", "LPG 3 kg (isi ulang)", "staple_goods", 25_000, 28_000, 22_000,
                 weight=4, max_qty=2, supplier="Agen LPG Geser"),
            _npk(135_000, 145_000, 125_000, 1, "Kios Pupuk Bula"),
        ),
        # A young village cooperative, growing, whose devices stopped syncing: its
        # facts end STALE_DAYS early.
        sales=(30, 36, 40), member_share=0.5, stopped_syncing_days=STALE_DAYS,
        loans=LoanProfile(
            count=3, principals=(1_000_000, 1_500_000, 2_000_000, 3_000_000),
            terms=(6, 10), rates_bp=(100, 125, 150), methods=("flat",),
            purposes=("modal kios", "modal melaut: jaring dan es", "bibit pala dan cengkeh",
                      "modal dagang ikan")),
    ),
    "nelayan-jargaria": Profile(
        code="NJA",
        policy=Policy(pokok_idr=60_000, wajib_idr=15_000, wajib_due_day=5),
        warehouses=(Warehouse("cold", "Cold Storage Jargaria", "cold_storage", 10_000),
                    _shop("Kios Perbekalan Nelayan Jargaria")),
        products=(
            _produce("IKAN-KAKAP-MERAH", "Ikan kakap merah beku", 48_000, 62_000, "cold", 180),
            _produce("IKAN-TONGKOL", "Ikan tongkol beku", 24_000, 32_000, "cold", 180),
            _produce("TERIPANG-KERING", "Teripang kering", 380_000, 480_000, "cold", 730),
            _produce("RUMPUT-LAUT-KERING", "Rumput laut kering (Eucheuma cottonii)", 14_000,
                     18_000, "cold", 365),
            _pcs("ES-BALOK", "Es balok", "farm_inputs", 18_000, 22_000, 12_000, weight=5,
                 supplier="Pabrik Es Dobo"),
            _beras(78_000, 82_000, 73_000, "UD Dobo Sejahtera"),
            _minyak(20_000, 22_000, 18_500, "UD Dobo Sejahtera"),
        ),
        sales=(24, 23, 17), member_share=0.6,
        produce=ProduceProfile(
            deliveries=(7, 7, 5),
            by_occupation=(("nelayan", ("IKAN-KAKAP-MERAH", "IKAN-TONGKOL", "IKAN-TONGKOL")),
                           ("rumput laut", ("RUMPUT-LAUT-KERING",)),
                           ("pengolah ikan", ("TERIPANG-KERING",)),
                           ("pedagang ikan", ("IKAN-TONGKOL", "TERIPANG-KERING"))),
            weights=(("IKAN-KAKAP-MERAH", (8_000, 40_000, 500, 1_500)),
                     ("IKAN-TONGKOL", (10_000, 60_000, 500, 1_500)),
                     ("TERIPANG-KERING", (1_500, 6_000, 100, 300)),
                     ("RUMPUT-LAUT-KERING", (30_000, 120_000, 500, 1_500))),
            grades=("A", "A", "B"), warehouse="cold"),
    ),
}
