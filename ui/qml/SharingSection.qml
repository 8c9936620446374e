import QtQuick
import QtQuick.Layouts
import HeadUnit

// What the owner agrees to send to the platform, one sentence per level.
ColumnLayout {
    id: root

    required property ShellStore shell
    required property AccountStore account

    spacing: Theme.spacing

    SectionHeader {
        id: header

        shell: root.shell
        backName: "sharingBackButton"
        title: qsTr("Data sharing")
    }

    Repeater {
        id: levels

        model: [
            {
                level: "nothing",
                name: "consentNothing",
                label: qsTr("Nothing"),
                detail: qsTr("Nothing about your trips leaves the car.")
            },
            {
                level: "summaries",
                name: "consentSummaries",
                label: qsTr("Trip summaries"),
                detail: qsTr("Time, distance, speed and energy of each trip, and your ratings, without the route.")
            },
            {
                level: "traces",
                name: "consentTraces",
                label: qsTr("Full traces"),
                detail: qsTr("Summaries and the route with speeds, except near the start, the end and hidden places.")
            }
        ]

        delegate: RowLayout {
            id: levelRow

            required property var modelData

            Layout.fillWidth: true
            spacing: Theme.margin

            ChoiceButton {
                id: levelButton

                objectName: levelRow.modelData.name
                Layout.preferredWidth: Math.round(230 * Theme.dp)
                enabled: root.account.allowChanges
                label: levelRow.modelData.label
                selected: root.account.consent === levelRow.modelData.level
                onActivated: root.account.setConsent(levelRow.modelData.level)
            }

            UiText {
                id: levelDetail

                Layout.fillWidth: true
                wrapMode: Text.Wrap
                text: levelRow.modelData.detail
                color: Theme.secondaryText
            }
        }
    }

    RowLayout {
        id: hiddenRow

        Layout.fillWidth: true
        spacing: Theme.margin

        ChoiceButton {
            id: hideHomeButton

            objectName: "hideHomeButton"
            Layout.preferredWidth: Math.round(230 * Theme.dp)
            enabled: root.account.allowChanges && root.account.canHideHere
            label: qsTr("Hide here: home")
            selected: false
            onActivated: root.account.hideHere("home")
        }

        ChoiceButton {
            id: hideWorkButton

            objectName: "hideWorkButton"
            Layout.preferredWidth: Math.round(230 * Theme.dp)
            enabled: root.account.allowChanges && root.account.canHideHere
            label: qsTr("Hide here: work")
            selected: false
            onActivated: root.account.hideHere("work")
        }

        UiText {
            id: hiddenCount

            objectName: "hiddenPlacesLabel"
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            text: root.account.hiddenPlacesText
            color: Theme.secondaryText
        }
    }

    Item {
        id: filler

        Layout.fillHeight: true
    }
}
