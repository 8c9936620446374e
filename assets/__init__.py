"""The project's own data files: demo vehicle, profiles and starter content."""

from pathlib import Path

ASSETS_DIR = Path(__file__).resolve().parent
PROFILES_DIR = ASSETS_DIR / "profiles"
DEMO_PROFILE = PROFILES_DIR / "demo-ev.toml"
CONTENT_DIR = ASSETS_DIR / "content"
TIPS_FILE = CONTENT_DIR / "tips.json"
#: Video clips the project bundles; make_demo_clip.sh there rebuilds them.
CLIPS_DIR = ASSETS_DIR / "clips"
SCENARIOS_DIR = ASSETS_DIR / "scenarios"
#: A sample OEM brand (a ``[branding]`` table and its logo) for the gallery.
SAMPLE_BRANDING = ASSETS_DIR / "branding" / "sample.toml"
