import QtQuick
import QtQuick.Layouts
import HeadUnit

// Software version and vehicle profile, one level below the settings.
ColumnLayout {
    id: root

    required property ShellStore shell

    spacing: Theme.spacing

    ChoiceButton {
        id: backButton

        objectName: "aboutBackButton"
        label: qsTr("Back")
        selected: false
        onActivated: root.shell.closeSection()
    }

    UiText {
        id: brandLabel

        objectName: "aboutBrandLabel"
        Layout.fillWidth: true
        visible: root.shell.brandName !== ""
        text: root.shell.brandName
        font.pixelSize: Theme.titleTextSize
        font.bold: true
    }

    UiText {
        id: versionLabel

        objectName: "aboutVersionLabel"
        Layout.fillWidth: true
        text: qsTr("Software version: %1").arg(root.shell.version)
    }

    UiText {
        id: vehicleLabel

        objectName: "aboutVehicleLabel"
        Layout.fillWidth: true
        elide: Text.ElideRight
        text: root.shell.started
            ? qsTr("Vehicle profile: %1 (%2)").arg(root.shell.vehicleName).arg(root.shell.vehicleId)
            : qsTr("Vehicle profile: loading")
    }

    UiText {
        id: themeReasonLabel

        objectName: "aboutThemeReasonLabel"
        Layout.fillWidth: true
        text: qsTr("Theme: %1").arg(root.shell.themeReasonText)
        color: Theme.secondaryText
    }

    Item {
        id: filler

        Layout.fillHeight: true
    }
}
