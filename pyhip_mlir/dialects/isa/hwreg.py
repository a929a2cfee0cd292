"""Hardware registers named by ``s_getreg``/``s_setreg`` (``hwreg(NAME, offset, size)``).

gfx9 ids from LLVM's ``SIDefines.h``/``AMDGPUAsmUtils.cpp``. The emulator models MODE
and names the others in its messages; the hazard rules compare ids.
"""

from __future__ import annotations

import re

HW_REG_NAMES: dict[str, int] = {
    "HW_REG_MODE": 1,
    "HW_REG_STATUS": 2,
    "HW_REG_TRAPSTS": 3,
    "HW_REG_HW_ID": 4,
    "HW_REG_GPR_ALLOC": 5,
    "HW_REG_LDS_ALLOC": 6,
    "HW_REG_IB_STS": 7,
    "HW_REG_SH_MEM_BASES": 15,
    "HW_REG_TBA_LO": 16,
    "HW_REG_TBA_HI": 17,
    "HW_REG_TMA_LO": 18,
    "HW_REG_TMA_HI": 19,
    "HW_REG_XCC_ID": 20,
}
_NAME = re.compile(r"\s*hwreg\(\s*(\w+)")


def hwreg_id(value: object) -> int | str:
    """The register id of a ``hwreg(...)`` operand (text, or a raw simm16); the text
    itself when it names no register this table knows."""
    if isinstance(value, int):
        return value & 0x3F
    m = _NAME.match(str(value))
    if m is None:
        return str(value)
    name = m.group(1)
    return int(name, 0) if name[0].isdigit() else HW_REG_NAMES.get(name, name)
