<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>AuthorRole</name>
    <message>
        <location filename="../stores.py" line="76"/>
        <source>Experienced owner</source>
        <extracomment>How often the best tip is chosen again while nothing else changes, in seconds. Choosing once a display frame would let the card flicker between tips. Trips listed while parked, newest first. Height of the screen the layout is drawn for, in dp. A taller window scales every dp size up. Font families in order of preference. A CJK font comes first because Latin fonts have no Chinese glyphs, while these CJK fonts also cover Latin text and digits.</extracomment>
        <translation>资深车主</translation>
    </message>
    <message>
        <location filename="../stores.py" line="78"/>
        <source>Club president</source>
        <translation>车友会会长</translation>
    </message>
    <message>
        <location filename="../stores.py" line="80"/>
        <source>Workshop</source>
        <translation>维修店</translation>
    </message>
    <message>
        <location filename="../stores.py" line="81"/>
        <source>Owner</source>
        <translation>车主</translation>
    </message>
</context>
<context>
    <name>ConfigErrorBanner</name>
    <message>
        <location filename="../qml/ConfigErrorBanner.qml" line="34"/>
        <source>Configuration error: %1</source>
        <translation>配置错误：%1</translation>
    </message>
    <message numerus="yes">
        <location filename="../qml/ConfigErrorBanner.qml" line="46"/>
        <source>and %n more</source>
        <translation>
            <numerusform>另有 %n 项</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DriveScreen</name>
    <message>
        <location filename="../qml/DriveScreen.qml" line="59"/>
        <source>No speed signal</source>
        <translation>无车速信号</translation>
    </message>
    <message>
        <location filename="../qml/DriveScreen.qml" line="59"/>
        <source>km/h</source>
        <translation>km/h</translation>
    </message>
    <message>
        <location filename="../qml/DriveScreen.qml" line="116"/>
        <source>Battery</source>
        <translation>电量</translation>
    </message>
    <message>
        <location filename="../qml/DriveScreen.qml" line="118"/>
        <location filename="../qml/DriveScreen.qml" line="131"/>
        <source>%</source>
        <translation>%</translation>
    </message>
    <message>
        <location filename="../qml/DriveScreen.qml" line="129"/>
        <source>Fuel</source>
        <translation>油量</translation>
    </message>
    <message>
        <location filename="../qml/DriveScreen.qml" line="142"/>
        <source>Range</source>
        <translation>续航</translation>
    </message>
    <message>
        <location filename="../qml/DriveScreen.qml" line="144"/>
        <source>km</source>
        <translation>km</translation>
    </message>
    <message>
        <location filename="../qml/DriveScreen.qml" line="155"/>
        <source>Power</source>
        <translation>功率</translation>
    </message>
    <message>
        <location filename="../qml/DriveScreen.qml" line="157"/>
        <source>kW</source>
        <translation>kW</translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <location filename="../qml/Main.qml" line="16"/>
        <source>Head unit</source>
        <translation>车机</translation>
    </message>
    <message>
        <location filename="../qml/Main.qml" line="68"/>
        <source>Drive</source>
        <translation>驾驶</translation>
    </message>
    <message>
        <location filename="../qml/Main.qml" line="78"/>
        <source>Trips</source>
        <translation>行程</translation>
    </message>
</context>
<context>
    <name>Readout</name>
    <message>
        <location filename="../qml/Readout.qml" line="56"/>
        <source>No signal</source>
        <translation>无信号</translation>
    </message>
</context>
<context>
    <name>TipCard</name>
    <message numerus="yes">
        <location filename="../qml/TipCard.qml" line="59"/>
        <source>%n found this helpful</source>
        <translation>
            <numerusform>%n 人觉得有用</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TripListModel</name>
    <message>
        <location filename="../stores.py" line="550"/>
        <source>%1 kWh</source>
        <extracomment>Values of the drive store before the first snapshot: every reading is stale and no signal counts as provided until the profile is read.</extracomment>
        <translation>%1 kWh</translation>
    </message>
    <message>
        <location filename="../stores.py" line="554"/>
        <source>%1 L</source>
        <translation>%1 升</translation>
    </message>
    <message>
        <location filename="../stores.py" line="558"/>
        <source>%1 km/h</source>
        <translation>%1 km/h</translation>
    </message>
    <message>
        <location filename="../stores.py" line="562"/>
        <source>%1 km</source>
        <translation>%1 km</translation>
    </message>
    <message numerus="yes">
        <location filename="../stores.py" line="577"/>
        <source>%n s</source>
        <translation>
            <numerusform>%n 秒</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../stores.py" line="580"/>
        <source>%n min</source>
        <translation>
            <numerusform>%n 分钟</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../stores.py" line="582"/>
        <source>%1 h %2 min</source>
        <translation>%1 小时 %2 分钟</translation>
    </message>
</context>
<context>
    <name>TripRow</name>
    <message>
        <location filename="../qml/TripRow.qml" line="51"/>
        <source>Recording</source>
        <translation>记录中</translation>
    </message>
    <message>
        <location filename="../qml/TripRow.qml" line="65"/>
        <source>%1 · average %2 · top %3</source>
        <translation>%1 · 平均 %2 · 最高 %3</translation>
    </message>
    <message>
        <location filename="../qml/TripRow.qml" line="67"/>
        <source>%1 · average %2 · top %3 · %4</source>
        <translation>%1 · 平均 %2 · 最高 %3 · %4</translation>
    </message>
</context>
<context>
    <name>TripsScreen</name>
    <message>
        <location filename="../qml/TripsScreen.qml" line="24"/>
        <source>Trips</source>
        <translation>行程</translation>
    </message>
    <message>
        <location filename="../qml/TripsScreen.qml" line="63"/>
        <source>No trips recorded yet</source>
        <translation>还没有行程记录</translation>
    </message>
    <message>
        <location filename="../qml/TripsScreen.qml" line="73"/>
        <source>Every drive is recorded as a trip automatically.</source>
        <translation>每次驾驶都会自动记录为一条行程。</translation>
    </message>
    <message numerus="yes">
        <location filename="../qml/TripsScreen.qml" line="87"/>
        <source>Trips not shown while driving: %n</source>
        <translation>
            <numerusform>行驶中未显示的行程：%n 条</numerusform>
        </translation>
    </message>
</context>
</TS>
