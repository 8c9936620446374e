import QtQuick
import QtQuick.Layouts
import HeadUnit

// The driver's settings: language, units, theme, the platform account
// (pairing, data sharing, sync status) and the about section.
// While the car moves the choices are shown but locked.
Item {
    id: root

    required property ShellStore shell
    required property AccountStore account

    objectName: "settingsScreen"

    GridLayout {
        id: settingsGrid

        objectName: "settingsGrid"
        anchors.fill: parent
        anchors.margins: Theme.margin
        visible: root.shell.currentSection === ""
        columns: 2
        columnSpacing: Theme.margin
        rowSpacing: Theme.spacing

        UiText {
            id: languageLabel

            text: qsTr("Language")
            color: Theme.secondaryText
        }

        RowLayout {
            id: languageChoices

            spacing: Theme.spacing

            ChoiceButton {
                id: languageChinese

                objectName: "languageZh"
                enabled: root.shell.allowSettingsChanges
                // The language names stay in their own language on purpose.
                label: "中文"
                selected: root.shell.language === "zh_CN"
                onActivated: root.shell.setLanguage("zh_CN")
            }

            ChoiceButton {
                id: languageEnglish

                objectName: "languageEn"
                enabled: root.shell.allowSettingsChanges
                label: "English"
                selected: root.shell.language === "en"
                onActivated: root.shell.setLanguage("en")
            }
        }

        UiText {
            id: unitsLabel

            text: qsTr("Units")
            color: Theme.secondaryText
        }

        RowLayout {
            id: unitChoices

            spacing: Theme.spacing

            ChoiceButton {
                id: unitsMetric

                objectName: "unitsMetric"
                enabled: root.shell.allowSettingsChanges
                label: qsTr("Metric")
                selected: root.shell.units === "metric"
                onActivated: root.shell.setUnits("metric")
            }

            ChoiceButton {
                id: unitsImperial

                objectName: "unitsImperial"
                enabled: root.shell.allowSettingsChanges
                label: qsTr("Imperial")
                selected: root.shell.units === "imperial"
                onActivated: root.shell.setUnits("imperial")
            }
        }

        UiText {
            id: themeLabel

            text: qsTr("Theme")
            color: Theme.secondaryText
        }

        RowLayout {
            id: themeChoices

            spacing: Theme.spacing

            ChoiceButton {
                id: themeAuto

                objectName: "themeAuto"
                enabled: root.shell.allowSettingsChanges
                label: qsTr("Auto")
                selected: root.shell.themeMode === "auto"
                onActivated: root.shell.setThemeMode("auto")
            }

            ChoiceButton {
                id: themeDay

                objectName: "themeDay"
                enabled: root.shell.allowSettingsChanges
                label: qsTr("Day")
                selected: root.shell.themeMode === "day"
                onActivated: root.shell.setThemeMode("day")
            }

            ChoiceButton {
                id: themeNight

                objectName: "themeNight"
                enabled: root.shell.allowSettingsChanges
                label: qsTr("Night")
                selected: root.shell.themeMode === "night"
                onActivated: root.shell.setThemeMode("night")
            }
        }

        UiText {
            id: accountLabel

            text: qsTr("Account")
            color: Theme.secondaryText
        }

        RowLayout {
            id: accountRow

            Layout.fillWidth: true
            spacing: Theme.spacing

            ChoiceButton {
                id: pairingButton

                objectName: "pairingButton"
                visible: root.shell.allowSections
                label: qsTr("Pairing")
                selected: false
                onActivated: root.shell.openSection("pairing")
            }

            ChoiceButton {
                id: sharingButton

                objectName: "sharingButton"
                visible: root.shell.allowSections
                label: qsTr("Data sharing")
                selected: false
                onActivated: root.shell.openSection("sharing")
            }

            ChoiceButton {
                id: syncStatusButton

                objectName: "syncStatusButton"
                visible: root.shell.allowSections
                label: qsTr("Sync status")
                selected: false
                onActivated: root.shell.openSection("syncStatus")
            }

            UiText {
                id: accountState

                objectName: "accountStateLabel"
                Layout.fillWidth: true
                visible: !root.shell.allowSections
                elide: Text.ElideRight
                text: root.shell.syncText
            }
        }

        UiText {
            id: aboutLabel

            text: qsTr("About")
            color: Theme.secondaryText
        }

        RowLayout {
            id: aboutRow

            Layout.fillWidth: true
            spacing: Theme.margin

            ChoiceButton {
                id: aboutButton

                objectName: "aboutButton"
                visible: root.shell.allowSections
                label: qsTr("About this head unit")
                selected: false
                onActivated: root.shell.openSection("about")
            }

            UiText {
                id: lockedLabel

                objectName: "settingsLockedLabel"
                Layout.fillWidth: true
                visible: !root.shell.allowSettingsChanges
                wrapMode: Text.Wrap
                text: qsTr("Settings can be changed when the car is parked")
                color: Theme.secondaryText
            }
        }

        Item {
            id: filler

            Layout.columnSpan: 2
            Layout.fillHeight: true
        }
    }

    AboutSection {
        id: aboutSection

        objectName: "aboutSection"
        anchors.fill: parent
        anchors.margins: Theme.margin
        visible: root.shell.currentSection === "about"
        shell: root.shell
    }

    PairingSection {
        id: pairingSection

        objectName: "pairingSection"
        anchors.fill: parent
        anchors.margins: Theme.margin
        visible: root.shell.currentSection === "pairing"
        shell: root.shell
        account: root.account
    }

    SharingSection {
        id: sharingSection

        objectName: "sharingSection"
        anchors.fill: parent
        anchors.margins: Theme.margin
        visible: root.shell.currentSection === "sharing"
        shell: root.shell
        account: root.account
    }

    SyncStatusSection {
        id: syncStatusSection

        objectName: "syncStatusSection"
        anchors.fill: parent
        anchors.margins: Theme.margin
        visible: root.shell.currentSection === "syncStatus"
        shell: root.shell
        account: root.account
    }
}
