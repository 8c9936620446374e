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

    // The width of the label column, fixed so that the choices stay in
    // place when the car starts moving and rows come and go.
    readonly property real labelWidth: Math.max(
        languageLabel.implicitWidth, unitsLabel.implicitWidth, themeLabel.implicitWidth,
        accountLabel.implicitWidth, aboutLabel.implicitWidth)

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
            id: lockedLabel

            objectName: "settingsLockedLabel"
            Layout.columnSpan: 2
            Layout.fillWidth: true
            // Wraps within the grid's width instead of widening the grid.
            Layout.preferredWidth: 0
            visible: !root.shell.allowSettingsChanges
            wrapMode: Text.Wrap
            text: qsTr("Settings can be changed when the car is parked")
            color: Theme.secondaryText
        }

        UiText {
            id: languageLabel

            Layout.preferredWidth: root.labelWidth
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

            Layout.preferredWidth: root.labelWidth
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

            Layout.preferredWidth: root.labelWidth
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

            Layout.preferredWidth: root.labelWidth
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

            // Takes the spare width while the buttons show, so that the grid
            // gives none of it to the label column.
            Item {
                id: accountSpacer

                Layout.fillWidth: true
                visible: root.shell.allowSections
            }

            UiText {
                id: accountState

                objectName: "accountStateLabel"
                Layout.fillWidth: true
                Layout.preferredWidth: 0
                visible: !root.shell.allowSections
                elide: Text.ElideRight
                text: root.shell.syncText
            }
        }

        // The about section opens only while parked, so its row goes away
        // while moving.
        UiText {
            id: aboutLabel

            Layout.preferredWidth: root.labelWidth
            visible: root.shell.allowSections
            text: qsTr("About")
            color: Theme.secondaryText
        }

        ChoiceButton {
            id: aboutButton

            objectName: "aboutButton"
            visible: root.shell.allowSections
            label: qsTr("About this head unit")
            selected: false
            onActivated: root.shell.openSection("about")
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
