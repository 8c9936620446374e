"""Feed generated and mutated inputs through every CAN parser.

    .venv/bin/python bench/fuzz_parsers.py [--count 100000] [--seed 1]

Inputs are candump ``-l`` lines, candump screen lines, GVRET rows, ASC
lines, DBC snippets and frames for the decoder: valid ones, ones with
random edits (characters replaced, dropped, inserted, lines cut short),
and random text. A parser passes when it never raises anything but its
documented error (``DbcError`` for DBC files) and logs at most one
warning per kind of fault: one per log file for the readers, one per
fault kind for the decoder. The last line is the number of inputs and
``1.00x``, the share of inputs handled within those rules.
"""

from __future__ import annotations

import argparse
import io
import logging
import random
import string
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import can  # noqa: E402

from vehicle.ascformat import AscReader  # noqa: E402
from vehicle.candecode import CanDecoder  # noqa: E402
from vehicle.dbc import DbcError, load_dbc  # noqa: E402
from vehicle.gvret import GvretReader  # noqa: E402
from vehicle.logformats import CandumpReader  # noqa: E402
from vehicle.profile import load_profile  # noqa: E402

#: Share of the inputs each parser gets. DBC parsing costs about a
#: millisecond an input, so it gets fewer.
SHARES = {
    "candump": 0.25,
    "candump-screen": 0.15,
    "gvret": 0.20,
    "asc": 0.20,
    "dbc": 0.02,
    "frames": 0.18,
}
LINES_PER_FILE = 200

VALID_CANDUMP = [
    "(1717290903.100000) can0 3C3#0000229200000000",
    "(1717290903.100000) can0 3C3#0000229200000000 R",
    "(1717290903.105000) can0 1A0#R",
    "(1717290903.106000) can0 1A0#R8",
    "(1717290903.110000) can0 20000004#0004000000000000",
    "(1717290903.120000) can0 5A0##1800E800E800E800E800E800E800E800E",
    "(1717290903.130000) vcan1 18FEF100#FFFFFF00FFFFFFFF T",
]
VALID_SCREEN = [
    "  can0  3C3   [8]  00 00 22 92 00 00 00 00",
    "  can0  20000004   [8]  00 04 00 00 00 00 00 00   ERRORFRAME",
    "(1717290903.100000)  can0  RX - -  1A0   [8]  remote request",
    "  can1  5A0  [16]  18 00 E8 00 E8 00 E8 00 E8 00 E8 00 E8 00 E8 00",
    "  can0  123   [2]  41 42   'AB'",
]
GVRET_HEADER = "Time Stamp,ID,Extended,Dir,Bus,LEN,D1,D2,D3,D4,D5,D6,D7,D8"
VALID_GVRET = [
    "22213513,00000111,false,Rx,0,8,00,00,00,00,00,00,00,00,",
    "-364210,00000121,false,Rx,0,8,8F,07,33,04,00,00,00,00,",
    "1953613500,18FEF100,true,Tx,1,3,00,01,02,",
]
ASC_HEADER = (
    "date Mon Jun 02 09:15:01.000 am 2025\nbase hex  timestamps absolute\n"
    "internal events logged\nBegin Triggerblock Mon Jun 02 09:15:01.000 am 2025\n"
)
VALID_ASC = [
    "   0.000000 CANFD   Start of measurement",
    "   0.010000 CANFD   1 Rx        3C3    1 0 8 8 00 00 22 92 00 00 00 00   0  0   323040 0 0 0 0 0",  # noqa: E501
    "   2.501000 1  2A1             Rx   d d 11 22 33 44 55 66 77 88  Length = 231910 BitCount = 119 ID = 673",  # noqa: E501
    "   2.511000 1  18FEF100x       Rx   d 3 00 22 92",
    "   2.600000 1  ErrorFrame",
    "   2.700000 1  1A0             Rx   r 8",
    "   5.250000 CANFD   2 Rx        5a0  BMS_Cells  1 0 c 24 " + "80 0e " * 12 + " 0 0",
    "   6.000000 1 Statistic: D 0 R 0 XD 0 XR 0 E 0 O 0 B 0.00%",
]
VALID_DBC = """VERSION ""

NS_ :
\tCM_

BS_: 500000 : 0,0

BU_: VCU HU

BO_ 963 Speed: 8 VCU
 SG_ VehSpeed : 23|16@0+ (0.01,0) [0|300] "km/h" HU
 SG_ Gear : 0|3@1+ (1,0) [0|7] "" HU

BO_ 1281 BMS_PackFloat: 8 BMS
 SG_ PackVoltage : 0|32@1- (1,0) [0|1000] "V" HU

BO_ 2147484000 Ext: 8 VCU
 SG_ Page M : 0|8@1+ (1,0) [0|255] "" HU
 SG_ CellMax m1 : 8|16@1+ (0.001,0) [0|5] "V" HU

SIG_VALTYPE_ 1281 PackVoltage : 1;
VAL_ 963 Gear 0 "P" 1 "R" 2 "N" 3 "D" ;
"""
PROFILE = """[vehicle]
id = "fuzz"
make = "Fuzz"
model = "Car"
powertrain = "BEV"

[buses.powertrain]
interface = "virtual"
channel = "fuzz"
dbc = "fuzz.dbc"

[signals."Vehicle.Speed"]
bus = "powertrain"
message = "Speed"
signal = "VehSpeed"

[signals."Vehicle.Powertrain.Transmission.SelectedGear"]
bus = "powertrain"
message = "Speed"
signal = "Gear"
values = { P = 126, D = 127 }

[signals."Vehicle.Powertrain.TractionBattery.CurrentVoltage"]
bus = "powertrain"
message = "BMS_PackFloat"
signal = "PackVoltage"

[signals."Vehicle.Powertrain.TractionBattery.CellVoltage.Max"]
bus = "powertrain"
message = "Ext"
signal = "CellMax"
"""
ALPHABET = string.hexdigits + " #()[].,-xXRTrt\t'" + "ERRORFRAME" + "\x00\u00e9"


@dataclass
class FuzzResult:
    """Inputs fed per parser and the inputs that broke a rule."""

    inputs: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.inputs.values())


class _WarningCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def mutate(text: str, rng: random.Random) -> str:
    """Return ``text`` with a few random edits, or random text now and then."""
    choice = rng.random()
    if choice < 0.05:
        return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 80)))
    if choice < 0.25:
        return text
    chars = list(text)
    for _ in range(rng.randint(1, 4)):
        edit = rng.random()
        position = rng.randint(0, max(len(chars) - 1, 0))
        if edit < 0.3 and chars:
            chars[position] = rng.choice(ALPHABET)
        elif edit < 0.55 and chars:
            del chars[position]
        elif edit < 0.8:
            chars.insert(position, rng.choice(ALPHABET))
        else:
            chars = chars[:position]
    return "".join(chars)


def fuzz_reader(
    kind: str, reader_class: type, header: str, valid: list[str], count: int,
    rng: random.Random, folder: Path, result: FuzzResult,
) -> None:
    """Feed ``count`` lines, in files of LINES_PER_FILE, through one reader."""
    counter = _WarningCounter()
    root = logging.getLogger("vehicle")
    root.addHandler(counter)
    try:
        done = 0
        while done < count:
            batch = min(LINES_PER_FILE, count - done)
            lines = [mutate(rng.choice(valid), rng) for _ in range(batch)]
            path = folder / f"{kind}.txt"
            path.write_text(header + "\n".join(lines) + "\n", errors="replace")
            counter.count = 0
            try:
                reader = reader_class(path)
                frames = sum(1 for _ in reader)
            except Exception as error:  # noqa: BLE001
                result.failures.append(f"{kind}: {type(error).__name__}: {error}")
                frames = 0
            else:
                if counter.count > 1:
                    result.failures.append(f"{kind}: {counter.count} warnings for one file")
                if frames + reader.skipped_lines > batch + header.count("\n"):
                    result.failures.append(f"{kind}: more frames than lines")
            done += batch
            result.inputs[kind] += batch
    finally:
        root.removeHandler(counter)


def fuzz_dbc(count: int, rng: random.Random, folder: Path, result: FuzzResult) -> None:
    """Load mutated DBC files; only ``DbcError`` may come out."""
    lines = VALID_DBC.splitlines()
    path = folder / "fuzz-input.dbc"
    logging.getLogger("vehicle.dbc").setLevel(logging.ERROR)
    for _ in range(count):
        mutated = list(lines)
        for _ in range(rng.randint(1, 3)):
            index = rng.randrange(len(mutated))
            mutated[index] = mutate(mutated[index], rng)
        path.write_text("\n".join(mutated) + "\n", errors="replace")
        try:
            load_dbc(path)
        except DbcError as error:
            if str(path) not in str(error):
                result.failures.append(f"dbc: error does not name the file: {error}")
        except Exception as error:  # noqa: BLE001
            result.failures.append(f"dbc: {type(error).__name__}: {error}")
        result.inputs["dbc"] += 1
    logging.getLogger("vehicle.dbc").setLevel(logging.NOTSET)


def fuzz_frames(count: int, rng: random.Random, folder: Path, result: FuzzResult) -> None:
    """Decode random frames for mapped and unmapped IDs; count log lines."""
    (folder / "fuzz.dbc").write_text(VALID_DBC)
    (folder / "fuzz.toml").write_text(PROFILE)
    decoder = CanDecoder(load_profile(folder / "fuzz.toml"))
    counter = _WarningCounter()
    logger = logging.getLogger("vehicle.candecode")
    logger.addHandler(counter)
    ids = [(0x3C3, False), (0x501, False), (0x160, True), (0x160, False), (0x7FF, False)]
    try:
        for _ in range(count):
            can_id, extended = rng.choice(ids)
            fd = rng.random() < 0.2
            length = rng.choice([0, 1, 2, 7, 8, 12, 64] if fd else range(9))
            frame = can.Message(
                arbitration_id=can_id if rng.random() < 0.9 else rng.getrandbits(11),
                is_extended_id=extended,
                is_fd=fd,
                is_error_frame=rng.random() < 0.03,
                is_remote_frame=rng.random() < 0.03,
                data=bytes(rng.getrandbits(8) for _ in range(length)),
                timestamp=rng.random() * 1e9,
                check=False,
            )
            try:
                decoder.decode(frame, "powertrain")
            except Exception as error:  # noqa: BLE001
                result.failures.append(f"frames: {type(error).__name__}: {error}")
            result.inputs["frames"] += 1
    finally:
        logger.removeHandler(counter)
    kinds = len(decoder.faults.counts())
    if counter.count != kinds:
        result.failures.append(f"frames: {counter.count} warnings for {kinds} fault kinds")


def run(count: int = 100_000, seed: int = 1) -> FuzzResult:
    """Feed about ``count`` inputs through the parsers; return what happened."""
    rng = random.Random(seed)
    result = FuzzResult()
    shares = {kind: max(1, int(count * share)) for kind, share in SHARES.items()}
    # Count the warnings here instead of printing them.
    vehicle_logger = logging.getLogger("vehicle")
    saved = vehicle_logger.level, vehicle_logger.propagate
    vehicle_logger.setLevel(logging.WARNING)
    vehicle_logger.propagate = False
    try:
        _run_all(shares, rng, result)
    finally:
        vehicle_logger.setLevel(saved[0])
        vehicle_logger.propagate = saved[1]
    return result


def _run_all(shares: dict[str, int], rng: random.Random, result: FuzzResult) -> None:
    with tempfile.TemporaryDirectory(prefix="headunit-fuzz-") as name:
        folder = Path(name)
        fuzz_reader("candump", CandumpReader, "", VALID_CANDUMP,
                    shares["candump"], rng, folder, result)
        fuzz_reader("candump-screen", CandumpReader, "", VALID_SCREEN,
                    shares["candump-screen"], rng, folder, result)
        fuzz_reader("gvret", GvretReader, GVRET_HEADER + "\n", VALID_GVRET,
                    shares["gvret"], rng, folder, result)
        fuzz_reader("asc", AscReader, ASC_HEADER, VALID_ASC,
                    shares["asc"], rng, folder, result)
        fuzz_dbc(shares["dbc"], rng, folder, result)
        fuzz_frames(shares["frames"], rng, folder, result)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000,
                        help="number of inputs in all (default: 100000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default: 1)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.CRITICAL, stream=io.StringIO())
    result = run(args.count, args.seed)
    for kind, inputs in sorted(result.inputs.items()):
        print(f"{kind:16s} {inputs:8d} inputs")
    for failure in result.failures[:20]:
        print("FAILED", failure)
    print(f"failures: {len(result.failures)}")
    handled = 1 - len(result.failures) / max(result.total, 1)
    print(f"{result.total} inputs handled within the rules: {handled:.2f}x")
    return 1 if result.failures else 0


if __name__ == "__main__":
    sys.exit(main())
