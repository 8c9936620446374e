import QtQuick
import QtQuick.Layouts
import HeadUnit

// Time and the state of the vehicle bus, GPS and sync, after the OEM's logo.
// A lost vehicle bus turns the bar's bus label into a warning the driver
// cannot miss. The OEM's primary colour is a stripe along the bottom edge.
Rectangle {
    id: root

    required property ShellStore shell

    color: Theme.statusBar

    RowLayout {
        id: row

        anchors.fill: parent
        anchors.leftMargin: Theme.margin
        anchors.rightMargin: Theme.margin
        spacing: Theme.margin * 2

        Image {
            id: brandLogo

            objectName: "brandLogo"
            Layout.preferredHeight: Math.round(root.height * 0.7)
            Layout.preferredWidth: Layout.preferredHeight * 3
            visible: root.shell.brandLogo !== ""
            source: root.shell.brandLogo
            fillMode: Image.PreserveAspectFit
            sourceSize.height: Layout.preferredHeight
        }

        UiText {
            id: clockLabel

            objectName: "clockLabel"
            Layout.minimumWidth: implicitWidth
            text: root.shell.clockText
            color: Theme.statusText
            font.bold: true
        }

        Item {
            id: spacer

            Layout.fillWidth: true
        }

        Rectangle {
            id: busBadge

            objectName: "busBadge"
            Layout.preferredHeight: busLabel.implicitHeight + Theme.spacing / 2
            Layout.preferredWidth: busLabel.implicitWidth + 2 * Theme.spacing
            radius: Theme.radius / 2
            color: root.shell.busLost ? Theme.warningSurface : "transparent"

            UiText {
                id: busLabel

                objectName: "busLabel"
                anchors.centerIn: parent
                text: root.shell.busText
                color: root.shell.busLost ? Theme.warning : Theme.statusText
                font.bold: root.shell.busLost
            }
        }

        UiText {
            id: gpsLabel

            objectName: "gpsLabel"
            // The bar shortens the GPS and sync texts before they overlap.
            Layout.maximumWidth: implicitWidth
            text: root.shell.gpsText
            color: Theme.statusText
            elide: Text.ElideRight
        }

        UiText {
            id: syncLabel

            objectName: "syncLabel"
            Layout.maximumWidth: implicitWidth
            text: root.shell.syncText
            color: Theme.statusText
            elide: Text.ElideRight
        }
    }

    Rectangle {
        id: brandStripe

        objectName: "brandStripe"
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        height: Math.max(2, Math.round(4 * Theme.dp))
        visible: root.shell.brandColour !== ""
        color: root.shell.brandColour !== "" ? root.shell.brandColour : "transparent"
    }
}
