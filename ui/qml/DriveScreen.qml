import QtQuick
import QtQuick.Layouts
import HeadUnit

// The screen shown while driving: speed and gear at a glance, the energy
// readings the car provides, and one community tip.
Item {
    id: root

    required property DriveStore driveStore

    objectName: "driveScreen"

    ConfigErrorBanner {
        id: configErrorBanner

        objectName: "configErrorBanner"
        anchors.top: parent.top
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.margins: Theme.spacing
        visible: root.driveStore.configError !== ""
        height: visible ? implicitHeight : 0
        message: root.driveStore.configError
        count: root.driveStore.configErrorCount
    }

    Item {
        id: speedPanel

        objectName: "speedPanel"
        anchors.top: configErrorBanner.visible ? configErrorBanner.bottom : parent.top
        anchors.bottom: parent.bottom
        anchors.left: parent.left
        anchors.margins: Theme.margin
        width: Math.round(parent.width * 0.36)

        UiText {
            id: speedLabel

            objectName: "speedLabel"
            anchors.horizontalCenter: parent.horizontalCenter
            anchors.bottom: speedUnitLabel.top
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
            anchors.horizontalCenter: parent.horizontalCenter
            anchors.bottom: parent.verticalCenter
            anchors.bottomMargin: -Theme.margin
            text: root.driveStore.speedStale ? qsTr("No speed signal") : qsTr("km/h")
            color: root.driveStore.speedStale ? Theme.staleText : Theme.secondaryText
            font.pixelSize: Theme.titleTextSize
        }

        Rectangle {
            id: gearBox

            objectName: "gearBox"
            anchors.horizontalCenter: parent.horizontalCenter
            anchors.top: speedUnitLabel.bottom
            anchors.topMargin: Theme.margin * 2
            visible: root.driveStore.hasGear
            width: Math.max(Theme.touchTarget, gearLabel.implicitWidth + 2 * Theme.margin)
            height: gearLabel.implicitHeight + Theme.spacing
            radius: Theme.radius
            color: Theme.surface
            border.color: root.driveStore.gearStale ? Theme.divider : Theme.accent
            border.width: Math.round(3 * Theme.dp)

            UiText {
                id: gearLabel

                objectName: "gearLabel"
                anchors.centerIn: parent
                text: root.driveStore.gearStale || root.driveStore.gear === ""
                    ? "–" : root.driveStore.gear
                color: root.driveStore.gearStale ? Theme.staleText : Theme.accent
                font.pixelSize: Theme.gearTextSize
                font.bold: true
            }
        }
    }

    ColumnLayout {
        id: detailColumn

        anchors.top: configErrorBanner.visible ? configErrorBanner.bottom : parent.top
        anchors.bottom: parent.bottom
        anchors.left: speedPanel.right
        anchors.right: parent.right
        anchors.margins: Theme.margin
        spacing: Theme.margin

        RowLayout {
            id: readoutRow

            Layout.fillWidth: true
            spacing: Theme.spacing

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
                valueText: Number(root.driveStore.fuelLevel).toLocaleString(Qt.locale(), "f", 0)
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
                valueText: Number(root.driveStore.rangeKm).toLocaleString(Qt.locale(), "f", 0)
                unit: qsTr("km")
                stale: root.driveStore.rangeStale
            }

            Readout {
                id: powerReadout

                objectName: "powerReadout"
                Layout.fillWidth: true
                Layout.preferredWidth: 1
                visible: root.driveStore.hasPower
                label: qsTr("Power")
                valueText: Number(root.driveStore.powerKw).toLocaleString(Qt.locale(), "f", 0)
                unit: qsTr("kW")
                stale: root.driveStore.powerStale
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
        }

        Item {
            id: filler

            Layout.fillHeight: true
            visible: !tipCard.visible
        }
    }
}
