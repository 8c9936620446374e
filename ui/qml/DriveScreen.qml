import QtQuick
import QtQuick.Layouts
import HeadUnit

// The screen shown while driving: speed and gear at a glance, the readings
// the car's profile provides (energy for an electric car, engine readings
// for a combustion car), and one community tip.
Item {
    id: root

    required property ShellStore shell
    required property DriveStore driveStore
    // Owners' experience with a present trouble code, in one line; "" for none.
    property string serviceNotice: ""

    objectName: "driveScreen"

    ColumnLayout {
        id: layout

        anchors.fill: parent
        anchors.margins: Theme.margin
        spacing: Theme.spacing

        ConfigErrorBanner {
            id: configErrorBanner

            objectName: "configErrorBanner"
            Layout.fillWidth: true
            visible: root.driveStore.configError !== ""
            message: root.driveStore.configError
            count: root.driveStore.configErrorCount
        }

        Rectangle {
            id: busLostBanner

            objectName: "busLostBanner"
            Layout.fillWidth: true
            Layout.preferredHeight: busLostText.implicitHeight + Theme.spacing
            visible: root.driveStore.busLost
            radius: Theme.radius
            color: Theme.warningSurface

            UiText {
                id: busLostText

                objectName: "busLostLabel"
                anchors.centerIn: parent
                width: parent.width - 2 * Theme.margin
                horizontalAlignment: Text.AlignHCenter
                elide: Text.ElideRight
                text: qsTr("Vehicle bus lost: readings are not current")
                color: Theme.warning
                font.bold: true
            }
        }

        Rectangle {
            id: serviceNoticeBanner

            objectName: "serviceNoticeBanner"
            Layout.fillWidth: true
            Layout.preferredHeight: serviceNoticeText.implicitHeight + Theme.spacing
            visible: root.serviceNotice !== ""
            radius: Theme.radius
            color: Theme.surface

            UiText {
                id: serviceNoticeText

                objectName: "serviceNoticeLabel"
                anchors.centerIn: parent
                width: parent.width - 2 * Theme.margin
                horizontalAlignment: Text.AlignHCenter
                elide: Text.ElideRight
                textFormat: Text.PlainText
                text: root.serviceNotice
            }
        }

        RowLayout {
            id: mainRow

            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: Theme.margin

            ColumnLayout {
                id: speedPanel

                objectName: "speedPanel"
                Layout.fillHeight: true
                Layout.fillWidth: false
                Layout.preferredWidth: Math.round(root.width * 0.34)
                Layout.maximumWidth: Math.round(root.width * 0.34)
                spacing: Theme.spacing

                Item {
                    id: speedTopFiller

                    Layout.fillHeight: true
                }

                UiText {
                    id: speedLabel

                    objectName: "speedLabel"
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    Layout.maximumHeight: Math.round(Theme.speedTextSize * 1.2)
                    horizontalAlignment: Text.AlignHCenter
                    verticalAlignment: Text.AlignVCenter
                    fontSizeMode: Text.Fit
                    minimumPixelSize: Theme.valueTextSize
                    text: root.driveStore.speedStale
                        ? "–"
                        : Number(root.driveStore.speed).toLocaleString(Qt.locale(), "f", 0)
                    color: root.driveStore.speedStale ? Theme.staleText : Theme.text
                    font.pixelSize: Theme.speedTextSize
                    font.bold: true
                }

                UiText {
                    id: speedUnitLabel

                    objectName: "speedUnitLabel"
                    Layout.fillWidth: true
                    horizontalAlignment: Text.AlignHCenter
                    elide: Text.ElideRight
                    text: root.driveStore.speedStale
                        ? qsTr("No speed signal") : root.driveStore.speedUnit
                    color: root.driveStore.speedStale ? Theme.staleText : Theme.secondaryText
                    font.pixelSize: Theme.titleTextSize
                }

                Rectangle {
                    id: gearBox

                    objectName: "gearBox"
                    Layout.alignment: Qt.AlignHCenter
                    Layout.preferredWidth: Math.max(
                        Theme.touchTarget, gearLabel.implicitWidth + 2 * Theme.margin)
                    Layout.preferredHeight: gearLabel.implicitHeight + Theme.spacing
                    visible: root.driveStore.hasGear
                    radius: Theme.radius
                    color: Theme.surface
                    border.color: root.driveStore.gearStale ? Theme.divider : Theme.accentText
                    border.width: Math.round(3 * Theme.dp)

                    UiText {
                        id: gearLabel

                        objectName: "gearLabel"
                        anchors.centerIn: parent
                        text: root.driveStore.gearStale || root.driveStore.gear === ""
                            ? "–" : root.driveStore.gear
                        color: root.driveStore.gearStale ? Theme.staleText : Theme.accentText
                        font.pixelSize: Theme.gearTextSize
                        font.bold: true
                    }
                }

                Item {
                    id: speedBottomFiller

                    Layout.fillHeight: true
                }
            }

            ColumnLayout {
                id: detailColumn

                Layout.fillWidth: true
                Layout.fillHeight: true
                spacing: Theme.spacing

                GridLayout {
                    id: readoutGrid

                    objectName: "readoutGrid"
                    Layout.fillWidth: true
                    columns: Math.max(1, Math.min(3, Math.floor(width / (200 * Theme.dp))))
                    columnSpacing: Theme.spacing
                    rowSpacing: Theme.spacing

                    Readout {
                        id: socReadout

                        objectName: "socReadout"
                        Layout.fillWidth: true
                        Layout.preferredWidth: 1
                        visible: root.driveStore.hasSoc
                        label: qsTr("Battery")
                        valueText: Number(root.driveStore.soc).toLocaleString(Qt.locale(), "f", 0)
                        unit: qsTr("%")
                        stale: root.driveStore.socStale
                    }

                    Readout {
                        id: fuelReadout

                        objectName: "fuelReadout"
                        Layout.fillWidth: true
                        Layout.preferredWidth: 1
                        visible: root.driveStore.hasFuel
                        label: qsTr("Fuel")
                        valueText: Number(root.driveStore.fuelLevel)
                            .toLocaleString(Qt.locale(), "f", 0)
                        unit: qsTr("%")
                        stale: root.driveStore.fuelLevelStale
                    }

                    Readout {
                        id: rangeReadout

                        objectName: "rangeReadout"
                        Layout.fillWidth: true
                        Layout.preferredWidth: 1
                        visible: root.driveStore.hasRange
                        label: qsTr("Range")
                        valueText: Number(root.driveStore.rangeKm)
                            .toLocaleString(Qt.locale(), "f", 0)
                        unit: root.driveStore.distanceUnit
                        stale: root.driveStore.rangeStale
                    }

                    Readout {
                        id: powerReadout

                        objectName: "powerReadout"
                        Layout.fillWidth: true
                        Layout.preferredWidth: 1
                        visible: root.driveStore.hasPower
                        label: qsTr("Power")
                        valueText: Number(root.driveStore.powerKw)
                            .toLocaleString(Qt.locale(), "f", 0)
                        unit: qsTr("kW")
                        stale: root.driveStore.powerStale
                    }

                    Readout {
                        id: engineSpeedReadout

                        objectName: "engineSpeedReadout"
                        Layout.fillWidth: true
                        Layout.preferredWidth: 1
                        visible: root.driveStore.hasEngineSpeed
                        label: qsTr("Engine speed")
                        valueText: Number(root.driveStore.engineSpeed)
                            .toLocaleString(Qt.locale(), "f", 0)
                        unit: qsTr("rpm")
                        stale: root.driveStore.engineSpeedStale
                    }

                    Readout {
                        id: coolantReadout

                        objectName: "coolantReadout"
                        Layout.fillWidth: true
                        Layout.preferredWidth: 1
                        visible: root.driveStore.hasCoolant
                        label: qsTr("Coolant")
                        valueText: Number(root.driveStore.coolant)
                            .toLocaleString(Qt.locale(), "f", 0)
                        unit: root.driveStore.temperatureUnit
                        stale: root.driveStore.coolantStale
                    }

                    Readout {
                        id: voltageReadout

                        objectName: "voltageReadout"
                        Layout.fillWidth: true
                        Layout.preferredWidth: 1
                        visible: root.driveStore.hasVoltage
                        label: qsTr("12 V battery")
                        valueText: Number(root.driveStore.voltage)
                            .toLocaleString(Qt.locale(), "f", 1)
                        unit: qsTr("V")
                        stale: root.driveStore.voltageStale
                    }
                }

                TipCard {
                    id: tipCard

                    objectName: "tipCard"
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    visible: root.driveStore.hasTip
                    title: root.driveStore.tipTitle
                    text: root.driveStore.tipText
                    author: root.driveStore.tipAuthor
                    roleLabel: root.driveStore.tipRoleLabel
                    helpful: root.driveStore.tipHelpful
                    moving: root.driveStore.moving
                    actionsAllowed: root.driveStore.tipActionsAllowed
                    canKeep: root.driveStore.tipCanKeep
                    onHelpfulTapped: root.driveStore.voteTip(true)
                    onNotHelpfulTapped: root.driveStore.voteTip(false)
                    onLaterTapped: root.driveStore.keepTipForLater()
                }

                Item {
                    id: filler

                    Layout.fillHeight: true
                    visible: !tipCard.visible
                }
            }
        }
    }
}
