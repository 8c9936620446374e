import QtQuick
import QtQuick.Layouts
import HeadUnit

// The top level of navigation: one tab per screen of the shell.
Rectangle {
    id: root

    required property ShellStore shell

    implicitWidth: Math.max(Theme.railWidth, column.implicitWidth + 2 * Theme.spacing)
    color: Theme.navigationBar

    ColumnLayout {
        id: column

        anchors.fill: parent
        anchors.margins: Theme.spacing
        spacing: Theme.spacing

        NavButton {
            id: navDrive

            objectName: "navDrive"
            Layout.fillWidth: true
            label: qsTr("Drive")
            selected: root.shell.currentScreen === "drive"
            onActivated: root.shell.showScreen("drive")
        }

        NavButton {
            id: navTrips

            objectName: "navTrips"
            Layout.fillWidth: true
            label: qsTr("Trips")
            selected: root.shell.currentScreen === "trips"
            onActivated: root.shell.showScreen("trips")
        }

        NavButton {
            id: navCommunity

            objectName: "navCommunity"
            Layout.fillWidth: true
            label: qsTr("Community")
            selected: root.shell.currentScreen === "community"
            onActivated: root.shell.showScreen("community")
        }

        NavButton {
            id: navSettings

            objectName: "navSettings"
            Layout.fillWidth: true
            label: qsTr("Settings")
            selected: root.shell.currentScreen === "settings"
            onActivated: root.shell.showScreen("settings")
        }

        Item {
            id: filler

            Layout.fillHeight: true
        }
    }
}
