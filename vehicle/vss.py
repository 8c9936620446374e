"""Catalogue of the COVESA VSS signals the head unit understands.

Every source maps its raw data onto these paths and units, so nothing
downstream knows whether a value came from CAN, OBD-II or GPS. Paths and
units follow VSS 4.x; ``stale_after_s`` is how long a value stays current
after its last update before the UI must show it as stale.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class VssSignal:
    """One supported VSS leaf: its path, unit, data type and freshness limit."""

    path: str
    unit: str
    datatype: str
    description: str
    stale_after_s: float = 2.0


SPEED = "Vehicle.Speed"
SOC_DISPLAYED = "Vehicle.Powertrain.TractionBattery.StateOfCharge.Displayed"
SOC_CURRENT = "Vehicle.Powertrain.TractionBattery.StateOfCharge.Current"
BATTERY_POWER = "Vehicle.Powertrain.TractionBattery.CurrentPower"
RANGE = "Vehicle.Powertrain.Range"
SELECTED_GEAR = "Vehicle.Powertrain.Transmission.SelectedGear"
ODOMETER = "Vehicle.TraveledDistance"
OUTSIDE_TEMPERATURE = "Vehicle.Exterior.AirTemperature"
ENGINE_SPEED = "Vehicle.Powertrain.CombustionEngine.Speed"
COOLANT_TEMPERATURE = "Vehicle.Powertrain.CombustionEngine.ECT"
FUEL_LEVEL = "Vehicle.Powertrain.FuelSystem.RelativeLevel"
LOW_VOLTAGE_BATTERY_VOLTAGE = "Vehicle.LowVoltageBattery.CurrentVoltage"
BATTERY_VOLTAGE = "Vehicle.Powertrain.TractionBattery.CurrentVoltage"
BATTERY_CURRENT = "Vehicle.Powertrain.TractionBattery.CurrentCurrent"
BATTERY_TEMPERATURE_MAX = "Vehicle.Powertrain.TractionBattery.Temperature.Max"
CELL_VOLTAGE_MAX = "Vehicle.Powertrain.TractionBattery.CellVoltage.Max"
CELL_VOLTAGE_MIN = "Vehicle.Powertrain.TractionBattery.CellVoltage.Min"
LATITUDE = "Vehicle.CurrentLocation.Latitude"
LONGITUDE = "Vehicle.CurrentLocation.Longitude"
HEADING = "Vehicle.CurrentLocation.Heading"
ALTITUDE = "Vehicle.CurrentLocation.Altitude"
LOCATION_TIMESTAMP = "Vehicle.CurrentLocation.Timestamp"
GNSS_FIX_TYPE = "Vehicle.CurrentLocation.GNSSReceiver.FixType"
# Two paths of the project's own, beside the VSS 4.x tree: VSS keeps only
# the ellipsoidal altitude, and it has no speed over ground from the GNSS
# receiver, which differs from the wheel-based Vehicle.Speed.
ALTITUDE_MSL = "Vehicle.CurrentLocation.AltitudeAboveMeanSeaLevel"
GNSS_SPEED = "Vehicle.CurrentLocation.GNSSReceiver.Speed"
DTC_LIST = "Vehicle.OBD.DTCList"
IS_CHARGING = "Vehicle.Powertrain.TractionBattery.Charging.IsCharging"
VIN = "Vehicle.VehicleIdentification.VIN"
LOW_VOLTAGE_SYSTEM_STATE = "Vehicle.LowVoltageSystemState"
OBD_FREEZE_DTC = "Vehicle.OBD.FreezeDTC"
OBD_DTC_COUNT = "Vehicle.OBD.Status.DTCCount"
OBD_MIL_ON = "Vehicle.OBD.Status.IsMILOn"
OBD_ENGINE_LOAD = "Vehicle.OBD.EngineLoad"
OBD_THROTTLE_POSITION = "Vehicle.OBD.ThrottlePosition"
OBD_MAF = "Vehicle.OBD.MAF"
OBD_INTAKE_TEMPERATURE = "Vehicle.OBD.IntakeTemp"
OBD_RUN_TIME = "Vehicle.OBD.RunTime"
# NOTE: VSS 4 has no leaf for pending DTCs (mode 07); this path follows
# the naming of Vehicle.OBD.DTCList and is the project's own.
OBD_PENDING_DTC_LIST = "Vehicle.OBD.PendingDTCList"
TRIP_METER = "Vehicle.TripMeterReading"
# NOTE: the next three leaves are not in the VSS 4.x standard catalogue.
# They are this project's overlay, named the way a VSS overlay would add
# them, because the standard has no leaf for these values.
CHARGING_TYPE = "Vehicle.Powertrain.TractionBattery.Charging.ChargingType"
HVAC_POWER = "Vehicle.Cabin.HVAC.PowerConsumption"
CAR_TRIP_CONSUMPTION = "Vehicle.Powertrain.TractionBattery.TripAverageConsumption"

# VSS values of Vehicle.LowVoltageSystemState in which the car can drive.
POWER_STATES_ON = ("ON", "START")

# Values of GNSS_FIX_TYPE, from the VSS 4.x enumeration of fix types.
FIX_NONE = "NONE"
FIX_2D = "TWO_D"
FIX_3D = "THREE_D"

#: Location paths that a fix of each type cannot provide. A fix-type update
#: makes their last values stale at once, so a position from before a
#: tunnel is never shown or recorded as current.
UNAVAILABLE_WITH_FIX: dict[str, tuple[str, ...]] = {
    FIX_NONE: (
        LATITUDE, LONGITUDE, HEADING, ALTITUDE, ALTITUDE_MSL, GNSS_SPEED,
        LOCATION_TIMESTAMP,
    ),
    FIX_2D: (ALTITUDE, ALTITUDE_MSL),
    FIX_3D: (),
}
LIGHT_INTENSITY = "Vehicle.Exterior.LightIntensity"
LOW_BEAM_ON = "Vehicle.Body.Lights.Beam.Low.IsOn"

# VSS encodes the selected gear as int8: negative for reverse, 0 for
# neutral, 126 for park and 127 for drive.
GEAR_PARK = 126
GEAR_DRIVE = 127
GEAR_NEUTRAL = 0
GEAR_REVERSE = -1

CATALOGUE: dict[str, VssSignal] = {
    signal.path: signal
    for signal in (
        VssSignal(SPEED, "km/h", "float", "Vehicle speed", 1.0),
        VssSignal(SOC_DISPLAYED, "percent", "float", "State of charge shown to the driver", 10.0),
        VssSignal(SOC_CURRENT, "percent", "float", "Physical state of charge", 10.0),
        VssSignal(BATTERY_POWER, "W", "float", "Traction battery power, positive when discharging", 1.0),
        VssSignal(RANGE, "m", "uint32", "Remaining range on the current energy", 10.0),
        VssSignal(SELECTED_GEAR, "", "int8", "Gear selected by the driver", 2.0),
        VssSignal(ODOMETER, "km", "float", "Odometer reading", 10.0),
        VssSignal(OUTSIDE_TEMPERATURE, "celsius", "float", "Outside air temperature", 30.0),
        VssSignal(ENGINE_SPEED, "rpm", "float", "Combustion engine speed", 1.0),
        VssSignal(COOLANT_TEMPERATURE, "celsius", "float", "Engine coolant temperature", 10.0),
        VssSignal(FUEL_LEVEL, "percent", "float", "Fuel level in the tank", 30.0),
        VssSignal(LOW_VOLTAGE_BATTERY_VOLTAGE, "V", "float", "12 V battery voltage", 10.0),
        VssSignal(BATTERY_VOLTAGE, "V", "float", "Traction battery voltage", 2.0),
        VssSignal(BATTERY_CURRENT, "A", "float",
                  "Traction battery current, positive when discharging", 2.0),
        VssSignal(BATTERY_TEMPERATURE_MAX, "celsius", "float",
                  "Warmest cell of the traction battery", 10.0),
        VssSignal(CELL_VOLTAGE_MAX, "V", "float", "Highest cell voltage", 10.0),
        VssSignal(CELL_VOLTAGE_MIN, "V", "float", "Lowest cell voltage", 10.0),
        VssSignal(LATITUDE, "degrees", "double", "Latitude (WGS 84)", 5.0),
        VssSignal(LONGITUDE, "degrees", "double", "Longitude (WGS 84)", 5.0),
        VssSignal(HEADING, "degrees", "double", "Heading over ground", 5.0),
        VssSignal(ALTITUDE, "m", "double", "Altitude above the WGS 84 ellipsoid", 5.0),
        VssSignal(ALTITUDE_MSL, "m", "double", "Altitude above mean sea level", 5.0),
        VssSignal(GNSS_SPEED, "km/h", "float", "Speed over ground from the GNSS receiver", 5.0),
        VssSignal(LOCATION_TIMESTAMP, "iso8601", "string", "UTC time of the GNSS fix", 5.0),
        VssSignal(GNSS_FIX_TYPE, "", "string", "GNSS fix type: NONE, TWO_D or THREE_D", 5.0),
        VssSignal(DTC_LIST, "", "string[]", "Diagnostic trouble codes present", 60.0),
        VssSignal(IS_CHARGING, "", "boolean", "Traction battery is charging", 10.0),
        VssSignal(VIN, "", "string", "Vehicle identification number", 86400.0),
        VssSignal(LOW_VOLTAGE_SYSTEM_STATE, "", "string",
                  "Ignition state: UNDEFINED, LOCK, OFF, ACC, ON or START", 10.0),
        VssSignal(OBD_FREEZE_DTC, "", "string", "DTC that stored the freeze frame", 60.0),
        VssSignal(OBD_DTC_COUNT, "", "uint8", "Number of stored DTCs", 60.0),
        VssSignal(OBD_MIL_ON, "", "boolean", "Malfunction indicator lamp is on", 60.0),
        VssSignal(OBD_PENDING_DTC_LIST, "", "string[]", "Pending DTCs (mode 07)", 60.0),
        VssSignal(OBD_ENGINE_LOAD, "percent", "float", "Calculated engine load", 2.0),
        VssSignal(OBD_THROTTLE_POSITION, "percent", "float", "Throttle position", 2.0),
        VssSignal(OBD_MAF, "g/s", "float", "Mass air flow", 5.0),
        VssSignal(OBD_INTAKE_TEMPERATURE, "celsius", "float", "Intake air temperature", 30.0),
        VssSignal(OBD_RUN_TIME, "s", "uint32", "Time since engine start", 30.0),
        VssSignal(LIGHT_INTENSITY, "percent", "float", "Outside light, 0 dark to 100 fully lit", 10.0),
        VssSignal(LOW_BEAM_ON, "", "boolean", "Low beam headlights are on", 10.0),
        VssSignal(TRIP_METER, "km", "float", "Trip meter reading", 10.0),
        VssSignal(CHARGING_TYPE, "", "string", "Charging current type: NONE, AC, DC, FAULT", 10.0),
        VssSignal(HVAC_POWER, "W", "float", "Electric power drawn by heating and air conditioning", 10.0),
        VssSignal(CAR_TRIP_CONSUMPTION, "kWh/100km", "float",
                  "Average consumption of the current trip as the car computes it", 10.0),
    )
}


def lookup(path: str) -> VssSignal:
    """Return the catalogue entry for ``path``; raise ``KeyError`` naming it."""
    try:
        return CATALOGUE[path]
    except KeyError:
        raise KeyError(f"unknown VSS path {path!r}") from None
