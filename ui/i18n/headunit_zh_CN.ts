<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>AboutSection</name>
    <message>
        <location filename="../qml/AboutSection.qml" line="17"/>
        <source>Back</source>
        <translation>返回</translation>
    </message>
    <message>
        <location filename="../qml/AboutSection.qml" line="38"/>
        <source>Software version: %1</source>
        <translation>软件版本：%1</translation>
    </message>
    <message>
        <location filename="../qml/AboutSection.qml" line="48"/>
        <source>Vehicle profile: %1 (%2)</source>
        <translation>车型配置：%1（%2）</translation>
    </message>
    <message>
        <location filename="../qml/AboutSection.qml" line="49"/>
        <source>Vehicle profile: loading</source>
        <translation>车型配置：加载中</translation>
    </message>
    <message>
        <location filename="../qml/AboutSection.qml" line="57"/>
        <source>Theme: %1</source>
        <translation>主题：%1</translation>
    </message>
</context>
<context>
    <name>Account</name>
    <message>
        <location filename="../account.py" line="56"/>
        <source>Everything is sent to the platform.</source>
        <extracomment>Pairing states the pairing section shows. Actions that ask the driver to confirm first.</extracomment>
        <translation>所有数据都已发送到平台。</translation>
    </message>
    <message>
        <location filename="../account.py" line="58"/>
        <source>%n item(s) waiting to be sent.</source>
        <translation>%n 项等待发送。</translation>
    </message>
    <message>
        <location filename="../account.py" line="60"/>
        <source>The platform cannot be reached now. The head unit tries again.</source>
        <translation>暂时无法连接平台，车机会再次尝试。</translation>
    </message>
    <message>
        <location filename="../account.py" line="62"/>
        <source>The platform is busy and asked the head unit to wait.</source>
        <translation>平台繁忙，要求车机稍后再试。</translation>
    </message>
    <message>
        <location filename="../account.py" line="64"/>
        <source>The platform rejected the last request.</source>
        <translation>平台拒绝了上一次请求。</translation>
    </message>
    <message>
        <location filename="../account.py" line="65"/>
        <source>Not paired with an account, so nothing is sent.</source>
        <translation>未与账户配对，因此不发送任何数据。</translation>
    </message>
    <message>
        <location filename="../account.py" line="223"/>
        <source>Mobile data this month: %1 of %2 MB</source>
        <translation>本月移动数据：%1 / %2 MB</translation>
    </message>
    <message>
        <location filename="../account.py" line="227"/>
        <source>(budget used up: full traces wait for next month)</source>
        <translation>（流量已用完：完整轨迹下月再传）</translation>
    </message>
    <message>
        <location filename="../account.py" line="236"/>
        <source>Hidden places: %1</source>
        <translation>隐藏地点：%1 个</translation>
    </message>
    <message>
        <location filename="../account.py" line="266"/>
        <source>Waiting to be sent: %1</source>
        <translation>等待发送：%1</translation>
    </message>
    <message>
        <location filename="../account.py" line="269"/>
        <source>Last sync: never</source>
        <translation>上次同步：从未</translation>
    </message>
    <message>
        <location filename="../account.py" line="272"/>
        <source>Last sync: %1</source>
        <translation>上次同步：%1</translation>
    </message>
    <message>
        <location filename="../account.py" line="275"/>
        <source>Last error: %1</source>
        <translation>上次错误：%1</translation>
    </message>
    <message>
        <location filename="../account.py" line="277"/>
        <source>Last error: none</source>
        <translation>上次错误：无</translation>
    </message>
    <message>
        <location filename="../account.py" line="281"/>
        <source>Next try: %1</source>
        <translation>下次尝试：%1</translation>
    </message>
    <message>
        <location filename="../account.py" line="388"/>
        <source>Signed out. Nothing more is sent.</source>
        <translation>已退出登录，不再发送任何数据。</translation>
    </message>
    <message>
        <location filename="../account.py" line="393"/>
        <source>Your data is deleted here and will be erased on the platform.</source>
        <translation>您的数据已在车机上删除，平台上的数据也将被清除。</translation>
    </message>
</context>
<context>
    <name>AuthorRole</name>
    <message>
        <location filename="../stores.py" line="79"/>
        <source>Experienced owner</source>
        <extracomment>How often the best tip is chosen again while nothing else changes, in seconds. Choosing once a display frame would let the card flicker between tips. Trips listed while parked, newest first. Font families in order of preference. A CJK font comes first because Latin fonts have no Chinese glyphs, while these CJK fonts also cover Latin text and digits.</extracomment>
        <translation>资深车主</translation>
    </message>
    <message>
        <location filename="../stores.py" line="81"/>
        <source>Club president</source>
        <translation>车友会会长</translation>
    </message>
    <message>
        <location filename="../stores.py" line="83"/>
        <source>Workshop</source>
        <translation>维修店</translation>
    </message>
    <message>
        <location filename="../stores.py" line="84"/>
        <source>Owner</source>
        <translation>车主</translation>
    </message>
</context>
<context>
    <name>ClipPlayerView</name>
    <message>
        <location filename="../qml/ClipPlayerView.qml" line="37"/>
        <source>Back</source>
        <translation>返回</translation>
    </message>
    <message>
        <location filename="../qml/ClipPlayerView.qml" line="56"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../qml/ClipPlayerView.qml" line="57"/>
        <source>Play</source>
        <translation>播放</translation>
    </message>
</context>
<context>
    <name>ClipsSection</name>
    <message>
        <location filename="../qml/ClipsSection.qml" line="23"/>
        <source>Clips from owners</source>
        <translation>车主短片</translation>
    </message>
    <message>
        <location filename="../qml/ClipsSection.qml" line="24"/>
        <source>Clips play when the car is parked</source>
        <translation>停车后才能播放短片</translation>
    </message>
    <message>
        <location filename="../qml/ClipsSection.qml" line="97"/>
        <source>Play</source>
        <translation>播放</translation>
    </message>
</context>
<context>
    <name>ClubsSection</name>
    <message>
        <location filename="../qml/ClubsSection.qml" line="31"/>
        <source>Club events nearby</source>
        <translation>附近的车友会活动</translation>
    </message>
    <message>
        <location filename="../qml/ClubsSection.qml" line="40"/>
        <source>Nearest</source>
        <translation>最近</translation>
    </message>
    <message>
        <location filename="../qml/ClubsSection.qml" line="49"/>
        <source>Soonest</source>
        <translation>最早</translation>
    </message>
    <message>
        <location filename="../qml/ClubsSection.qml" line="141"/>
        <source>You are going</source>
        <translation>你已报名</translation>
    </message>
    <message>
        <location filename="../qml/ClubsSection.qml" line="167"/>
        <source>No club events near the car or where it usually drives</source>
        <translation>车辆附近和常去的地方暂无车友会活动</translation>
    </message>
</context>
<context>
    <name>Community</name>
    <message>
        <location filename="../community_store.py" line="434"/>
        <location filename="../community_store.py" line="614"/>
        <source>%1 km</source>
        <extracomment>Sections of the community screen, in the order of its tab bar. How many recent trips the ratings section looks through for one long enough to compare with other owners. Seconds between checks for content a sync pass stored and for the points. Positions are rounded to this many decimal places (about 1 km) before they decide whether the list of events is built again. Seconds between checks for new content and points; tests set 0.</extracomment>
        <translation>%1 公里</translation>
    </message>
    <message>
        <location filename="../community_store.py" line="484"/>
        <source>Owners paid %1 to %2 %3, usually %4</source>
        <translation>车主花费 %1 至 %2 %3，通常为 %4</translation>
    </message>
    <message>
        <location filename="../community_store.py" line="502"/>
        <source>%n owners reported this code</source>
        <translation>%n 位车主报告过此故障码</translation>
    </message>
    <message>
        <location filename="../community_store.py" line="542"/>
        <source>Satisfaction %1 of 100 from %n ratings</source>
        <translation>满意度 %1 分（满分 100），来自 %n 条评分</translation>
    </message>
    <message>
        <location filename="../community_store.py" line="556"/>
        <source>Most owners: %1 to %2 %3</source>
        <translation>多数车主：%1 至 %2 %3</translation>
    </message>
    <message>
        <location filename="../community_store.py" line="565"/>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <location filename="../community_store.py" line="604"/>
        <source>%n going</source>
        <translation>%n 人报名</translation>
    </message>
    <message>
        <location filename="../community_store.py" line="605"/>
        <source>%n of %1 places taken</source>
        <translation>已报名 %n 人，共 %1 个名额</translation>
    </message>
    <message>
        <location filename="../community_store.py" line="610"/>
        <source>%1 stars from %n ratings</source>
        <translation>%1 星，%n 条评分</translation>
    </message>
</context>
<context>
    <name>CommunityScreen</name>
    <message>
        <location filename="../qml/CommunityScreen.qml" line="66"/>
        <source>Tips</source>
        <translation>提示</translation>
    </message>
    <message>
        <location filename="../qml/CommunityScreen.qml" line="67"/>
        <source>Clubs</source>
        <translation>车友会</translation>
    </message>
    <message>
        <location filename="../qml/CommunityScreen.qml" line="68"/>
        <source>Service</source>
        <translation>维修</translation>
    </message>
    <message>
        <location filename="../qml/CommunityScreen.qml" line="69"/>
        <source>Ratings</source>
        <translation>评分</translation>
    </message>
    <message>
        <location filename="../qml/CommunityScreen.qml" line="70"/>
        <source>Clips</source>
        <translation>短片</translation>
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
        <location filename="../qml/DriveScreen.qml" line="132"/>
        <source>No speed signal</source>
        <translation>无车速信号</translation>
    </message>
    <message>
        <location filename="../qml/DriveScreen.qml" line="53"/>
        <source>Vehicle bus lost: readings are not current</source>
        <translation>车辆总线已断开：数值不是最新的</translation>
    </message>
    <message>
        <location filename="../qml/DriveScreen.qml" line="194"/>
        <source>Battery</source>
        <translation>电量</translation>
    </message>
    <message>
        <location filename="../qml/DriveScreen.qml" line="196"/>
        <location filename="../qml/DriveScreen.qml" line="210"/>
        <source>%</source>
        <translation>%</translation>
    </message>
    <message>
        <location filename="../qml/DriveScreen.qml" line="207"/>
        <source>Fuel</source>
        <translation>油量</translation>
    </message>
    <message>
        <location filename="../qml/DriveScreen.qml" line="221"/>
        <source>Range</source>
        <translation>续航</translation>
    </message>
    <message>
        <location filename="../qml/DriveScreen.qml" line="249"/>
        <source>Engine speed</source>
        <translation>发动机转速</translation>
    </message>
    <message>
        <location filename="../qml/DriveScreen.qml" line="252"/>
        <source>rpm</source>
        <translation>转/分</translation>
    </message>
    <message>
        <location filename="../qml/DriveScreen.qml" line="263"/>
        <source>Coolant</source>
        <translation>冷却液</translation>
    </message>
    <message>
        <location filename="../qml/DriveScreen.qml" line="277"/>
        <source>12 V battery</source>
        <translation>12 V 电瓶</translation>
    </message>
    <message>
        <location filename="../qml/DriveScreen.qml" line="280"/>
        <source>V</source>
        <translation>V</translation>
    </message>
    <message>
        <location filename="../qml/DriveScreen.qml" line="235"/>
        <source>Power</source>
        <translation>功率</translation>
    </message>
    <message>
        <location filename="../qml/DriveScreen.qml" line="238"/>
        <source>kW</source>
        <translation>kW</translation>
    </message>
</context>
<context>
    <name>EventDetailView</name>
    <message>
        <location filename="../qml/EventDetailView.qml" line="34"/>
        <source>Back</source>
        <translation>返回</translation>
    </message>
    <message>
        <location filename="../qml/EventDetailView.qml" line="91"/>
        <source>Organiser: %1</source>
        <translation>组织者：%1</translation>
    </message>
    <message>
        <location filename="../qml/EventDetailView.qml" line="130"/>
        <source>I&apos;m going</source>
        <translation>我要参加</translation>
    </message>
    <message>
        <location filename="../qml/EventDetailView.qml" line="140"/>
        <source>Not going</source>
        <translation>不参加</translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <location filename="../qml/Main.qml" line="29"/>
        <source>Head unit</source>
        <translation>车机</translation>
    </message>
</context>
<context>
    <name>NavigationRail</name>
    <message>
        <location filename="../gallery.py" line="652"/>
        <location filename="../qml/NavigationRail.qml" line="26"/>
        <source>Drive</source>
        <extracomment>Chinese first; English too, since its strings run longer. Items that must not be visible while the car moves, by objectName. The drive screen&apos;s tip card buttons that must show whenever the card does, by driving state: one tap each, on a large target. Sections rendered as views of their own, named &quot;screen.section&quot;. While moving the policy refuses to open them, so the screen itself is shown. Views that open a section under another name, with the page it shows. Tabs of a screen, named &quot;screen+tab&quot;; the plain screen shows its first tab. Where the gallery&apos;s car is, near West Lake in Hangzhou, where the bundled club events and workshops are. A trouble code present in the gallery, with owners&apos; experience bundled. Colours that cover fewer pixels than this in a text&apos;s box are taken for anti-aliasing noise, not ink. A fixed time for the clock and the sun, so the gallery is reproducible. Start of the scripted drives, in the state&apos;s clock. How long before the scripted drives the compared trip starts, in seconds. Name of the OEM brand it was rendered with; &quot;&quot; for the product&apos;s own.</extracomment>
        <translation>驾驶</translation>
    </message>
    <message>
        <location filename="../qml/NavigationRail.qml" line="36"/>
        <source>Trips</source>
        <translation>行程</translation>
    </message>
    <message>
        <location filename="../qml/NavigationRail.qml" line="46"/>
        <source>Community</source>
        <translation>社区</translation>
    </message>
    <message>
        <location filename="../qml/NavigationRail.qml" line="56"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
</context>
<context>
    <name>PairingSection</name>
    <message>
        <location filename="../qml/PairingSection.qml" line="28"/>
        <source>Platform account</source>
        <translation>平台账户</translation>
    </message>
    <message>
        <location filename="../qml/PairingSection.qml" line="40"/>
        <source>No platform is configured on this head unit, so it cannot pair.</source>
        <translation>此车机未配置平台，因此无法配对。</translation>
    </message>
    <message>
        <location filename="../qml/PairingSection.qml" line="42"/>
        <source>Asking the platform for a code…</source>
        <translation>正在向平台获取配对码…</translation>
    </message>
    <message>
        <location filename="../qml/PairingSection.qml" line="44"/>
        <source>On your phone, open %1 and enter this code, or scan the QR code:</source>
        <translation>请在手机上打开 %1 并输入此配对码，或扫描二维码：</translation>
    </message>
    <message>
        <location filename="../qml/PairingSection.qml" line="47"/>
        <source>Paired with your account.</source>
        <translation>已与您的账户配对。</translation>
    </message>
    <message>
        <location filename="../qml/PairingSection.qml" line="49"/>
        <source>The code expired before it was entered.</source>
        <translation>配对码在输入前已过期。</translation>
    </message>
    <message>
        <location filename="../qml/PairingSection.qml" line="51"/>
        <source>Pairing was refused on the platform.</source>
        <translation>平台拒绝了配对。</translation>
    </message>
    <message>
        <location filename="../qml/PairingSection.qml" line="53"/>
        <source>Pairing failed because the platform could not be reached.</source>
        <translation>无法连接平台，配对失败。</translation>
    </message>
    <message>
        <location filename="../qml/PairingSection.qml" line="55"/>
        <source>Not paired. Pair to share with your community account.</source>
        <translation>未配对。配对后可与您的社区账户共享数据。</translation>
    </message>
    <message>
        <location filename="../qml/PairingSection.qml" line="78"/>
        <source>Sign out? The head unit stops sending data to your account.</source>
        <translation>确定退出登录？车机将停止向您的账户发送数据。</translation>
    </message>
    <message>
        <location filename="../qml/PairingSection.qml" line="103"/>
        <source>Pair with my account</source>
        <translation>与我的账户配对</translation>
    </message>
    <message>
        <location filename="../qml/PairingSection.qml" line="114"/>
        <source>Try again</source>
        <translation>重试</translation>
    </message>
    <message>
        <location filename="../qml/PairingSection.qml" line="124"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../qml/PairingSection.qml" line="135"/>
        <source>Sign out</source>
        <translation>退出登录</translation>
    </message>
    <message>
        <location filename="../qml/PairingSection.qml" line="146"/>
        <source>Sign out now</source>
        <translation>立即退出</translation>
    </message>
    <message>
        <location filename="../qml/PairingSection.qml" line="156"/>
        <source>Stay paired</source>
        <translation>保持配对</translation>
    </message>
</context>
<context>
    <name>RatingsSection</name>
    <message>
        <location filename="../qml/RatingsSection.qml" line="19"/>
        <source>Owners&apos; satisfaction</source>
        <translation>车主满意度</translation>
    </message>
    <message>
        <location filename="../qml/RatingsSection.qml" line="32"/>
        <source>No ratings for this model yet</source>
        <translation>这款车型还没有评分</translation>
    </message>
    <message>
        <location filename="../qml/RatingsSection.qml" line="40"/>
        <source>Your last trip</source>
        <translation>你的上一次行程</translation>
    </message>
    <message>
        <location filename="../qml/RatingsSection.qml" line="54"/>
        <source>After a trip of a few kilometres, its consumption is compared here</source>
        <translation>行驶几公里后，这里会对比本次行程的能耗</translation>
    </message>
    <message>
        <location filename="../qml/RatingsSection.qml" line="76"/>
        <source>Uses less</source>
        <translation>更省</translation>
    </message>
    <message>
        <location filename="../qml/RatingsSection.qml" line="94"/>
        <source>Uses more</source>
        <translation>更费</translation>
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
    <name>SectionHeader</name>
    <message>
        <location filename="../qml/SectionHeader.qml" line="20"/>
        <source>Back</source>
        <translation>返回</translation>
    </message>
</context>
<context>
    <name>ServiceSection</name>
    <message>
        <location filename="../qml/ServiceSection.qml" line="29"/>
        <source>No trouble codes with owners&apos; experience</source>
        <translation>当前没有车主分享过经验的故障码</translation>
    </message>
    <message>
        <location filename="../qml/ServiceSection.qml" line="77"/>
        <source>Typical cause: %1</source>
        <translation>常见原因：%1</translation>
    </message>
    <message>
        <location filename="../qml/ServiceSection.qml" line="86"/>
        <source>Usual fix: %1</source>
        <translation>常见修法：%1</translation>
    </message>
    <message>
        <location filename="../qml/ServiceSection.qml" line="123"/>
        <source>Warning: %1</source>
        <translation>注意：%1</translation>
    </message>
    <message>
        <location filename="../qml/ServiceSection.qml" line="135"/>
        <source>Rated workshops nearby</source>
        <translation>附近有评分的维修店</translation>
    </message>
    <message>
        <location filename="../qml/ServiceSection.qml" line="161"/>
        <source>Recommended by owners</source>
        <translation>车主推荐</translation>
    </message>
</context>
<context>
    <name>Settings</name>
    <message>
        <location filename="../shell.py" line="119"/>
        <source>Chosen by the light sensor</source>
        <translation>由光线传感器决定</translation>
    </message>
    <message>
        <location filename="../shell.py" line="121"/>
        <source>Chosen by the headlights</source>
        <translation>由大灯决定</translation>
    </message>
    <message>
        <location filename="../shell.py" line="123"/>
        <source>Chosen by sunrise and sunset</source>
        <translation>按日出日落决定</translation>
    </message>
    <message>
        <location filename="../shell.py" line="124"/>
        <source>Chosen by the driver</source>
        <translation>由驾驶员选择</translation>
    </message>
</context>
<context>
    <name>SettingsScreen</name>
    <message>
        <location filename="../qml/SettingsScreen.qml" line="51"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../qml/SettingsScreen.qml" line="86"/>
        <source>Units</source>
        <translation>单位</translation>
    </message>
    <message>
        <location filename="../qml/SettingsScreen.qml" line="100"/>
        <source>Metric</source>
        <translation>公制</translation>
    </message>
    <message>
        <location filename="../qml/SettingsScreen.qml" line="110"/>
        <source>Imperial</source>
        <translation>英制</translation>
    </message>
    <message>
        <location filename="../qml/SettingsScreen.qml" line="120"/>
        <source>Theme</source>
        <translation>主题</translation>
    </message>
    <message>
        <location filename="../qml/SettingsScreen.qml" line="134"/>
        <source>Auto</source>
        <translation>自动</translation>
    </message>
    <message>
        <location filename="../qml/SettingsScreen.qml" line="144"/>
        <source>Day</source>
        <translation>白天</translation>
    </message>
    <message>
        <location filename="../qml/SettingsScreen.qml" line="154"/>
        <source>Night</source>
        <translation>夜间</translation>
    </message>
    <message>
        <location filename="../qml/SettingsScreen.qml" line="164"/>
        <source>Account</source>
        <translation>账号</translation>
    </message>
    <message>
        <location filename="../qml/SettingsScreen.qml" line="179"/>
        <source>Pairing</source>
        <translation>账户配对</translation>
    </message>
    <message>
        <location filename="../qml/SettingsScreen.qml" line="189"/>
        <source>Data sharing</source>
        <translation>数据共享</translation>
    </message>
    <message>
        <location filename="../qml/SettingsScreen.qml" line="199"/>
        <source>Sync status</source>
        <translation>同步状态</translation>
    </message>
    <message>
        <location filename="../qml/SettingsScreen.qml" line="232"/>
        <source>About</source>
        <translation>关于</translation>
    </message>
    <message>
        <location filename="../qml/SettingsScreen.qml" line="241"/>
        <source>About this head unit</source>
        <translation>关于本机</translation>
    </message>
    <message>
        <location filename="../qml/SettingsScreen.qml" line="43"/>
        <source>Settings can be changed when the car is parked</source>
        <translation>停车后可以更改设置</translation>
    </message>
</context>
<context>
    <name>SharingSection</name>
    <message>
        <location filename="../qml/SharingSection.qml" line="19"/>
        <source>Data sharing</source>
        <translation>数据共享</translation>
    </message>
    <message>
        <location filename="../qml/SharingSection.qml" line="29"/>
        <source>Nothing</source>
        <translation>不共享</translation>
    </message>
    <message>
        <location filename="../qml/SharingSection.qml" line="30"/>
        <source>Nothing about your trips leaves the car.</source>
        <translation>您的行程信息不会离开车辆。</translation>
    </message>
    <message>
        <location filename="../qml/SharingSection.qml" line="35"/>
        <source>Trip summaries</source>
        <translation>行程摘要</translation>
    </message>
    <message>
        <location filename="../qml/SharingSection.qml" line="36"/>
        <source>Time, distance, speed and energy of each trip, and your ratings, without the route.</source>
        <translation>每次行程的时间、里程、车速和能耗，以及您的评分，不含路线。</translation>
    </message>
    <message>
        <location filename="../qml/SharingSection.qml" line="42"/>
        <source>Summaries and the route with speeds, except near the start, the end and hidden places.</source>
        <translation>行程摘要以及带车速的路线，起点、终点和隐藏地点附近除外。</translation>
    </message>
    <message>
        <location filename="../qml/SharingSection.qml" line="88"/>
        <source>Hide here: home</source>
        <translation>此处设为家</translation>
    </message>
    <message>
        <location filename="../qml/SharingSection.qml" line="99"/>
        <source>Hide here: work</source>
        <translation>此处设为公司</translation>
    </message>
    <message>
        <location filename="../qml/SharingSection.qml" line="41"/>
        <source>Full traces</source>
        <translation>完整轨迹</translation>
    </message>
</context>
<context>
    <name>StarRating</name>
    <message numerus="yes">
        <location filename="../qml/StarRating.qml" line="46"/>
        <source>%n stars</source>
        <translation>
            <numerusform>%n 星</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Status</name>
    <message>
        <location filename="../shell.py" line="73"/>
        <source>Vehicle connected</source>
        <extracomment>Sections opened from a screen, one level below it. VSS paths the day and night switch reads.</extracomment>
        <translation>车辆已连接</translation>
    </message>
    <message>
        <location filename="../shell.py" line="75"/>
        <source>Waiting for vehicle</source>
        <translation>等待车辆数据</translation>
    </message>
    <message>
        <location filename="../shell.py" line="77"/>
        <source>Vehicle bus lost</source>
        <translation>车辆总线已断开</translation>
    </message>
    <message>
        <location filename="../shell.py" line="78"/>
        <source>No vehicle bus</source>
        <translation>未连接车辆总线</translation>
    </message>
    <message>
        <location filename="../shell.py" line="84"/>
        <source>OBD connected</source>
        <translation>OBD 已连接</translation>
    </message>
    <message>
        <location filename="../shell.py" line="86"/>
        <source>OBD: car not answering</source>
        <translation>OBD：车辆无应答</translation>
    </message>
    <message>
        <location filename="../shell.py" line="87"/>
        <source>OBD adapter lost</source>
        <translation>OBD 适配器已断开</translation>
    </message>
    <message>
        <location filename="../shell.py" line="93"/>
        <source>GPS fix</source>
        <translation>GPS 已定位</translation>
    </message>
    <message>
        <location filename="../shell.py" line="95"/>
        <source>GPS no fix</source>
        <translation>GPS 未定位</translation>
    </message>
    <message>
        <location filename="../shell.py" line="96"/>
        <source>No GPS</source>
        <translation>无 GPS</translation>
    </message>
    <message>
        <location filename="../shell.py" line="102"/>
        <source>Synced</source>
        <translation>已同步</translation>
    </message>
    <message>
        <location filename="../shell.py" line="104"/>
        <source>%n to sync</source>
        <translation>%n 项待同步</translation>
    </message>
    <message>
        <location filename="../shell.py" line="106"/>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../shell.py" line="108"/>
        <source>Signed out</source>
        <translation>未登录</translation>
    </message>
    <message>
        <location filename="../shell.py" line="110"/>
        <source>Server busy, retrying</source>
        <translation>服务器繁忙，稍后重试</translation>
    </message>
    <message>
        <location filename="../shell.py" line="112"/>
        <source>Sync error</source>
        <translation>同步出错</translation>
    </message>
    <message>
        <location filename="../shell.py" line="113"/>
        <source>Sync not set up</source>
        <translation>未设置同步</translation>
    </message>
</context>
<context>
    <name>SyncStatusSection</name>
    <message>
        <location filename="../qml/SyncStatusSection.qml" line="19"/>
        <source>Sync status</source>
        <translation>同步状态</translation>
    </message>
    <message>
        <location filename="../qml/SyncStatusSection.qml" line="81"/>
        <source>Delete your trips here now, and on the platform at the next sync?</source>
        <translation>立即删除车机上的行程，并在下次同步时删除平台上的数据？</translation>
    </message>
    <message>
        <location filename="../qml/SyncStatusSection.qml" line="106"/>
        <source>Delete my data</source>
        <translation>删除我的数据</translation>
    </message>
    <message>
        <location filename="../qml/SyncStatusSection.qml" line="117"/>
        <source>Delete now</source>
        <translation>立即删除</translation>
    </message>
    <message>
        <location filename="../qml/SyncStatusSection.qml" line="127"/>
        <source>Keep my data</source>
        <translation>保留我的数据</translation>
    </message>
</context>
<context>
    <name>TipCard</name>
    <message numerus="yes">
        <location filename="../qml/TipCard.qml" line="76"/>
        <source>%n found this helpful</source>
        <translation>
            <numerusform>%n 人觉得有用</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TipCardActions</name>
    <message>
        <location filename="../qml/TipCardActions.qml" line="28"/>
        <source>Helpful</source>
        <translation>有用</translation>
    </message>
    <message>
        <location filename="../qml/TipCardActions.qml" line="39"/>
        <source>Not helpful</source>
        <translation>没用</translation>
    </message>
    <message>
        <location filename="../qml/TipCardActions.qml" line="51"/>
        <source>Later</source>
        <translation>稍后看</translation>
    </message>
</context>
<context>
    <name>TipRow</name>
    <message numerus="yes">
        <location filename="../qml/TipRow.qml" line="70"/>
        <source>%n helpful votes on their tips</source>
        <translation>
            <numerusform>其提示获 %n 次有用</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../qml/TipRow.qml" line="109"/>
        <source>Helpful %1</source>
        <translation>有用 %1</translation>
    </message>
    <message>
        <location filename="../qml/TipRow.qml" line="118"/>
        <source>Not helpful</source>
        <translation>没用</translation>
    </message>
    <message>
        <location filename="../qml/TipRow.qml" line="127"/>
        <source>Saved</source>
        <translation>已收藏</translation>
    </message>
    <message>
        <location filename="../qml/TipRow.qml" line="127"/>
        <source>Later</source>
        <translation>稍后看</translation>
    </message>
    <message>
        <location filename="../qml/TipRow.qml" line="136"/>
        <source>No longer true</source>
        <translation>已过时</translation>
    </message>
</context>
<context>
    <name>TipsSection</name>
    <message>
        <location filename="../qml/TipsSection.qml" line="30"/>
        <source>Tips from owners</source>
        <translation>车主提示</translation>
    </message>
    <message>
        <location filename="../qml/TipsSection.qml" line="39"/>
        <source>My points: %1</source>
        <translation>我的积分：%1</translation>
    </message>
    <message>
        <location filename="../qml/TipsSection.qml" line="76"/>
        <source>Community tips can be read when the car is parked</source>
        <translation>停车后可阅读社区提示</translation>
    </message>
</context>
<context>
    <name>TripDayList</name>
    <message>
        <location filename="../trips.py" line="140"/>
        <location filename="../trips.py" line="191"/>
        <source>%1 – %2</source>
        <translation>%1 – %2</translation>
    </message>
    <message>
        <location filename="../trips.py" line="144"/>
        <source>%1 kWh/100 km</source>
        <translation>%1 kWh/100 km</translation>
    </message>
    <message>
        <location filename="../trips.py" line="148"/>
        <source>%1 L/100 km</source>
        <translation>%1 L/100 km</translation>
    </message>
    <message>
        <location filename="../trips.py" line="158"/>
        <source>Events: %n</source>
        <translation>事件：%n</translation>
    </message>
    <message>
        <location filename="../trips.py" line="161"/>
        <source>Gaps in the data: %n</source>
        <translation>数据缺口：%n</translation>
    </message>
    <message>
        <location filename="../trips.py" line="176"/>
        <source>+%1 kWh</source>
        <translation>+%1 kWh</translation>
    </message>
    <message>
        <location filename="../trips.py" line="181"/>
        <source>%1 % → %2 %</source>
        <translation>%1% → %2%</translation>
    </message>
</context>
<context>
    <name>TripDayRow</name>
    <message>
        <location filename="../qml/TripDayRow.qml" line="71"/>
        <source>Charging now</source>
        <translation>正在充电</translation>
    </message>
    <message>
        <location filename="../qml/TripDayRow.qml" line="71"/>
        <source>Charged %1</source>
        <translation>%1 充电</translation>
    </message>
    <message>
        <location filename="../qml/TripDayRow.qml" line="72"/>
        <source>Recording</source>
        <translation>记录中</translation>
    </message>
    <message>
        <location filename="../qml/TripDayRow.qml" line="87"/>
        <source>average %1</source>
        <translation>平均 %1</translation>
    </message>
</context>
<context>
    <name>TripDays</name>
    <message>
        <location filename="../trips.py" line="120"/>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <location filename="../trips.py" line="122"/>
        <source>Yesterday</source>
        <translation>昨天</translation>
    </message>
</context>
<context>
    <name>TripDetail</name>
    <message>
        <location filename="../trips.py" line="641"/>
        <source>Rate the trip once parked.</source>
        <extracomment>Row keys of the day list beyond those of ``TripListModel``, each a role. Emitted after a rating was stored, so lists showing the trip reload.</extracomment>
        <translation>请在停车后评价行程。</translation>
    </message>
    <message>
        <location filename="../trips.py" line="647"/>
        <source>Not saved: %1</source>
        <translation>未保存：%1</translation>
    </message>
    <message>
        <location filename="../trips.py" line="652"/>
        <source>Saved</source>
        <translation>已保存</translation>
    </message>
    <message>
        <location filename="../trips.py" line="672"/>
        <source>average %1</source>
        <translation>平均 %1</translation>
    </message>
</context>
<context>
    <name>TripDetailView</name>
    <message>
        <location filename="../qml/TripDetailView.qml" line="30"/>
        <source>Back</source>
        <translation>返回</translation>
    </message>
    <message>
        <location filename="../qml/TripDetailView.qml" line="50"/>
        <source>Charts</source>
        <translation>图表</translation>
    </message>
    <message>
        <location filename="../qml/TripDetailView.qml" line="60"/>
        <source>Rate</source>
        <translation>评价</translation>
    </message>
    <message>
        <location filename="../qml/TripDetailView.qml" line="75"/>
        <source>Each choice is saved at once.</source>
        <translation>每项选择会立即保存。</translation>
    </message>
    <message>
        <location filename="../qml/TripDetailView.qml" line="110"/>
        <source>Time</source>
        <translation>按时间</translation>
    </message>
    <message>
        <location filename="../qml/TripDetailView.qml" line="119"/>
        <source>Distance</source>
        <translation>按里程</translation>
    </message>
    <message>
        <location filename="../qml/TripDetailView.qml" line="141"/>
        <source>Speed</source>
        <translation>车速</translation>
    </message>
    <message>
        <location filename="../qml/TripDetailView.qml" line="155"/>
        <source>Energy used</source>
        <translation>能耗</translation>
    </message>
</context>
<context>
    <name>TripEvents</name>
    <message>
        <location filename="../trips.py" line="106"/>
        <source>Harsh braking</source>
        <translation>急刹车</translation>
    </message>
    <message>
        <location filename="../trips.py" line="107"/>
        <source>Harsh acceleration</source>
        <translation>急加速</translation>
    </message>
    <message>
        <location filename="../trips.py" line="108"/>
        <source>Fault code</source>
        <translation>故障码</translation>
    </message>
    <message>
        <location filename="../trips.py" line="109"/>
        <source>Fault code cleared</source>
        <translation>故障码已清除</translation>
    </message>
    <message>
        <location filename="../trips.py" line="110"/>
        <source>Low energy</source>
        <translation>电量低</translation>
    </message>
    <message>
        <location filename="../trips.py" line="111"/>
        <source>GPS lost</source>
        <translation>GPS 信号丢失</translation>
    </message>
    <message>
        <location filename="../trips.py" line="112"/>
        <source>GPS back</source>
        <translation>GPS 信号恢复</translation>
    </message>
</context>
<context>
    <name>TripExport</name>
    <message>
        <location filename="../trips.py" line="944"/>
        <source>Exported %n trips to the USB stick.</source>
        <translation>已将 %n 个行程导出到 U 盘。</translation>
    </message>
    <message>
        <location filename="../trips.py" line="949"/>
        <source>No USB stick found. Insert one and try again.</source>
        <translation>未找到 U 盘。请插入 U 盘后重试。</translation>
    </message>
    <message>
        <location filename="../trips.py" line="951"/>
        <source>The USB stick is full.</source>
        <translation>U 盘已满。</translation>
    </message>
    <message>
        <location filename="../trips.py" line="953"/>
        <source>The USB stick is read-only.</source>
        <translation>U 盘为只读。</translation>
    </message>
    <message>
        <location filename="../trips.py" line="955"/>
        <source>There are no finished trips to export.</source>
        <translation>没有可导出的已结束行程。</translation>
    </message>
    <message>
        <location filename="../trips.py" line="957"/>
        <source>Export failed: %1</source>
        <translation>导出失败：%1</translation>
    </message>
</context>
<context>
    <name>TripExportView</name>
    <message>
        <location filename="../qml/TripExportView.qml" line="25"/>
        <source>Export to USB</source>
        <translation>导出到 U 盘</translation>
    </message>
    <message>
        <location filename="../qml/TripExportView.qml" line="35"/>
        <source>USB folder: %1</source>
        <translation>U 盘目录：%1</translation>
    </message>
    <message>
        <location filename="../qml/TripExportView.qml" line="46"/>
        <source>USB stick ready</source>
        <translation>U 盘已就绪</translation>
    </message>
    <message>
        <location filename="../qml/TripExportView.qml" line="47"/>
        <source>No USB stick found. Insert one and wait a moment.</source>
        <translation>未找到 U 盘。请插入 U 盘并稍候。</translation>
    </message>
    <message>
        <location filename="../qml/TripExportView.qml" line="56"/>
        <source>All finished trips as GPX tracks, and the logbook as CSV.</source>
        <translation>所有已结束行程导出为 GPX 轨迹，行车日志导出为 CSV。</translation>
    </message>
    <message>
        <location filename="../qml/TripExportView.qml" line="66"/>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <location filename="../qml/TripExportView.qml" line="66"/>
        <source>Export</source>
        <translation>导出</translation>
    </message>
</context>
<context>
    <name>TripListModel</name>
    <message>
        <location filename="../stores.py" line="714"/>
        <location filename="../trips.py" line="754"/>
        <source>%1 kWh</source>
        <translation>%1 kWh</translation>
    </message>
    <message>
        <location filename="../stores.py" line="718"/>
        <source>%1 L</source>
        <translation>%1 升</translation>
    </message>
    <message>
        <location filename="../stores.py" line="723"/>
        <location filename="../trips.py" line="741"/>
        <source>%1 mph</source>
        <translation>%1 英里/时</translation>
    </message>
    <message>
        <location filename="../stores.py" line="724"/>
        <location filename="../trips.py" line="764"/>
        <source>%1 mi</source>
        <translation>%1 英里</translation>
    </message>
    <message>
        <location filename="../stores.py" line="726"/>
        <location filename="../trips.py" line="743"/>
        <source>%1 km/h</source>
        <translation>%1 km/h</translation>
    </message>
    <message>
        <location filename="../stores.py" line="727"/>
        <location filename="../trips.py" line="766"/>
        <source>%1 km</source>
        <translation>%1 km</translation>
    </message>
    <message>
        <location filename="../stores.py" line="744"/>
        <source>%n s</source>
        <translation>%n 秒</translation>
    </message>
    <message>
        <location filename="../stores.py" line="747"/>
        <source>%n min</source>
        <translation>%n 分钟</translation>
    </message>
    <message>
        <location filename="../stores.py" line="749"/>
        <source>%1 h %2 min</source>
        <translation>%1 小时 %2 分钟</translation>
    </message>
</context>
<context>
    <name>TripPurpose</name>
    <message>
        <location filename="../trips.py" line="94"/>
        <source>Private</source>
        <translation>私人</translation>
    </message>
    <message>
        <location filename="../trips.py" line="96"/>
        <source>Business</source>
        <translation>公务</translation>
    </message>
    <message>
        <location filename="../trips.py" line="98"/>
        <source>Commute</source>
        <translation>通勤</translation>
    </message>
</context>
<context>
    <name>TripRatingView</name>
    <message>
        <location filename="../qml/TripRatingView.qml" line="29"/>
        <source>Drive</source>
        <translation>驾驶</translation>
    </message>
    <message>
        <location filename="../qml/TripRatingView.qml" line="38"/>
        <source>Car</source>
        <translation>车辆</translation>
    </message>
    <message>
        <location filename="../qml/TripRatingView.qml" line="54"/>
        <source>Purpose</source>
        <translation>用途</translation>
    </message>
    <message>
        <location filename="../qml/TripRatingView.qml" line="62"/>
        <source>Private</source>
        <translation>私人</translation>
    </message>
    <message>
        <location filename="../qml/TripRatingView.qml" line="71"/>
        <source>Business</source>
        <translation>公务</translation>
    </message>
    <message>
        <location filename="../qml/TripRatingView.qml" line="80"/>
        <source>Commute</source>
        <translation>通勤</translation>
    </message>
</context>
<context>
    <name>TripTags</name>
    <message>
        <location filename="../trips.py" line="78"/>
        <source>City</source>
        <extracomment>Max points a chart line keeps. The widest chart, on a 1920x720 panel, is about 1,200 px wide, so this is still a point per 2.5 px. Max points of a drawn track. Samples further apart than this break a chart line or track, in seconds. Tags a driver can pick after a trip: fixed ids, translated labels. Event kinds drawn as markers, with the theme colour role of each.</extracomment>
        <translation>城市</translation>
    </message>
    <message>
        <location filename="../trips.py" line="79"/>
        <source>Highway</source>
        <translation>高速</translation>
    </message>
    <message>
        <location filename="../trips.py" line="80"/>
        <source>Country road</source>
        <translation>乡村道路</translation>
    </message>
    <message>
        <location filename="../trips.py" line="81"/>
        <source>Traffic</source>
        <translation>拥堵</translation>
    </message>
    <message>
        <location filename="../trips.py" line="82"/>
        <source>Scenic</source>
        <translation>风景好</translation>
    </message>
    <message>
        <location filename="../trips.py" line="83"/>
        <source>Bad weather</source>
        <translation>恶劣天气</translation>
    </message>
    <message>
        <location filename="../trips.py" line="84"/>
        <source>Night</source>
        <translation>夜间</translation>
    </message>
    <message>
        <location filename="../trips.py" line="85"/>
        <source>Efficient</source>
        <translation>节能</translation>
    </message>
</context>
<context>
    <name>TripTrack</name>
    <message>
        <location filename="../qml/TripTrack.qml" line="25"/>
        <source>No positions recorded</source>
        <translation>没有记录位置</translation>
    </message>
</context>
<context>
    <name>TripsScreen</name>
    <message>
        <location filename="../qml/TripsScreen.qml" line="41"/>
        <source>Trips</source>
        <translation>行程</translation>
    </message>
    <message>
        <location filename="../qml/TripsScreen.qml" line="52"/>
        <source>Rate last trip</source>
        <translation>评价上次行程</translation>
    </message>
    <message>
        <location filename="../qml/TripsScreen.qml" line="66"/>
        <source>Export to USB</source>
        <translation>导出到 U 盘</translation>
    </message>
    <message>
        <location filename="../qml/TripsScreen.qml" line="123"/>
        <source>No trips recorded yet</source>
        <translation>还没有行程记录</translation>
    </message>
    <message>
        <location filename="../qml/TripsScreen.qml" line="133"/>
        <source>Every drive is recorded as a trip automatically.</source>
        <translation>每次驾驶都会自动记录为一条行程。</translation>
    </message>
    <message numerus="yes">
        <location filename="../qml/TripsScreen.qml" line="146"/>
        <source>Trips not shown while driving: %n</source>
        <translation>
            <numerusform>行驶中未显示的行程：%n 条</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Units</name>
    <message>
        <location filename="../stores.py" line="403"/>
        <source>mph</source>
        <extracomment>Values of the drive store before the first snapshot: every reading is stale and no signal counts as provided until the profile is read.</extracomment>
        <translation>英里/时</translation>
    </message>
    <message>
        <location filename="../stores.py" line="404"/>
        <source>mi</source>
        <translation>英里</translation>
    </message>
    <message>
        <location filename="../stores.py" line="407"/>
        <source>km/h</source>
        <translation>km/h</translation>
    </message>
    <message>
        <location filename="../stores.py" line="408"/>
        <source>km</source>
        <translation>km</translation>
    </message>
</context>
</TS>
