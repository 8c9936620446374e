#!/bin/sh
# Generate the demo clip the head unit bundles: four seconds of ffmpeg's
# test pattern with a caption, 320x180 at 15 fps, H.264 in MP4 without
# sound, about 50 kB. The committed file came from this script. Run it
# again (Debian package ffmpeg) to rebuild it.
set -eu

out=${1:-$(dirname "$0")/demo-charging-port.mp4}
ffmpeg -hide_banner -loglevel error -y \
    -f lavfi -i "testsrc2=size=320x180:rate=15:duration=4" \
    -vf "drawbox=x=0:y=130:w=320:h=50:color=black@0.7:t=fill,drawtext=text='Demo clip  %{pts\\:hms}':x=12:y=142:fontsize=22:fontcolor=white" \
    -c:v libx264 -profile:v baseline -pix_fmt yuv420p -crf 30 -movflags +faststart \
    -an "$out"
echo "wrote $out ($(wc -c <"$out") bytes)"
