pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Layouts
import HeadUnit

// The shell: status bar on top, navigation rail on the left, and the
// current screen in a Loader that follows the shell store.
Window {
    id: root

    required property ShellStore shell
    required property ThemeStore themeStore
    required property DriveStore driveStore
    required property TripListModel tripModel
    required property TipListModel tipModel
    required property AccountStore account
    required property TripDetailStore tripDetail
    required property TripExportStore tripExport
    required property CommunityStore community
    // True in the running app: screens are built in the background, so the
    // shell reaches the screen first. Tests build them at once.
    required property bool asynchronousScreens

    width: 1280
    height: 720
    visible: true
    color: Theme.background
    title: qsTr("Head unit")

    Binding {
        target: Theme
        property: "store"
        value: root.themeStore
    }

    ColumnLayout {
        id: shellLayout

        anchors.fill: parent
        spacing: 0

        StatusBar {
            id: statusBar

            objectName: "statusBar"
            Layout.fillWidth: true
            Layout.preferredHeight: Theme.statusBarHeight
            shell: root.shell
        }

        RowLayout {
            id: bodyLayout

            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 0

            NavigationRail {
                id: navigationRail

                objectName: "navigationRail"
                Layout.fillHeight: true
                Layout.preferredWidth: navigationRail.implicitWidth
                shell: root.shell
            }

            Loader {
                id: screenLoader

                objectName: "screenLoader"
                Layout.fillWidth: true
                Layout.fillHeight: true
                asynchronous: root.asynchronousScreens
                sourceComponent: {
                    switch (root.shell.currentScreen) {
                    case "trips":
                        return tripsScreenComponent
                    case "community":
                        return communityScreenComponent
                    case "settings":
                        return settingsScreenComponent
                    default:
                        return driveScreenComponent
                    }
                }
            }
        }
    }

    Component {
        id: driveScreenComponent

        DriveScreen {
            shell: root.shell
            driveStore: root.driveStore
            serviceNotice: root.community.serviceNotice
        }
    }

    Component {
        id: tripsScreenComponent

        TripsScreen {
            shell: root.shell
            tripModel: root.tripModel
            tripDetail: root.tripDetail
            tripExport: root.tripExport
        }
    }

    Component {
        id: communityScreenComponent

        CommunityScreen {
            tipModel: root.tipModel
            community: root.community
            shell: root.shell
        }
    }

    Component {
        id: settingsScreenComponent

        SettingsScreen {
            shell: root.shell
            account: root.account
        }
    }
}
