"""The UI language: our own catalogue (ui/i18n/repdesk_<locale>.qm, built from the committed .ts by `make
translations`) plus Qt's own (standard buttons, dialogs). "system" follows the OS locale; zh_CN and en are
complete. Switching installs the new translators; the controller rebuilds the window so every string changes
without a restart."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

SUPPORTED = ("zh_CN", "en")
_installed: list[QTranslator] = []


def resolve(language: str) -> str:
    """"system" -> the supported language closest to the OS locale (zh_* -> zh_CN, anything else -> en)."""
    if language in SUPPORTED:
        return language
    return "zh_CN" if QLocale.system().name().startswith("zh") else "en"


def catalogue(language: str) -> Path:
    return Path(str(resources.files("ui").joinpath("i18n", f"repdesk_{language}.qm")))


def install(language: str) -> str:
    """Install the translators for `language` ("system", "zh_CN" or "en"); returns the language in effect.
    A missing catalogue (translations not built) leaves English in place rather than failing."""
    app = QCoreApplication.instance()
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    effective = resolve(language)
    QLocale.setDefault(QLocale(effective))
    if effective == "en":
        return effective
    ours = QTranslator(app)
    if ours.load(str(catalogue(effective))):
        app.installTranslator(ours)
        _installed.append(ours)
    qt = QTranslator(app)
    if qt.load(f"qtbase_{effective}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        _installed.append(qt)
    return effective


def ui_language() -> str:
    """"zh" or "en", for core functions that render text (evidence lines) in the UI's language."""
    return "zh" if QLocale().name().startswith("zh") else "en"
