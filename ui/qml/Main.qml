pragma ComponentBehavior: Bound

import QtQuick
import HeadUnit

Window {
    id: root

    required property DriveStore driveStore
    required property TripListModel tripModel

    width: 1280
    height: 720
    visible: true
    color: Theme.background
    title: qsTr("Head unit")

    Loader {
        id: screenLoader

        objectName: "screenLoader"
        anchors.top: parent.top
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: navigationBar.top
        sourceComponent: root.driveStore.currentScreen === "trips"
            ? tripsScreenComponent : driveScreenComponent
    }

    Component {
        id: driveScreenComponent

        DriveScreen {
            driveStore: root.driveStore
        }
    }

    Component {
        id: tripsScreenComponent

        TripsScreen {
            driveStore: root.driveStore
            tripModel: root.tripModel
        }
    }

    Rectangle {
        id: navigationBar

        objectName: "navigationBar"
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        height: Theme.navigationBarHeight
        color: Theme.navigationBar

        Row {
            id: navigationRow

            anchors.centerIn: parent
            spacing: Theme.margin * 2

            NavButton {
                id: navDrive

                objectName: "navDrive"
                width: Math.max(implicitWidth, Theme.navigationButtonWidth)
                label: qsTr("Drive")
                selected: root.driveStore.currentScreen === "drive"
                onActivated: root.driveStore.showScreen("drive")
            }

            NavButton {
                id: navTrips

                objectName: "navTrips"
                width: Math.max(implicitWidth, Theme.navigationButtonWidth)
                label: qsTr("Trips")
                selected: root.driveStore.currentScreen === "trips"
                onActivated: root.driveStore.showScreen("trips")
            }
        }
    }
}
