"""Authored test files in the real published header layouts.

The header rows below are the published column names (from the files described in
shared/data/*/PROVENANCE.md); every data row in the tests is written by hand for the tests.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from pathlib import Path

SHARED_DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"

# GIAS "all establishment data", 2023/24 layout (140 columns).
GIAS_2024 = (
    "URN,LA (code),LA (name),EstablishmentNumber,EstablishmentName,TypeOfEstablishment (code),"
    "TypeOfEstablishment (name),EstablishmentTypeGroup (code),EstablishmentTypeGroup (name),"
    "EstablishmentStatus (code),EstablishmentStatus (name),ReasonEstablishmentOpened (code),"
    "ReasonEstablishmentOpened (name),OpenDate,ReasonEstablishmentClosed (code),"
    "ReasonEstablishmentClosed (name),CloseDate,PhaseOfEducation (code),PhaseOfEducation (name),"
    "StatutoryLowAge,StatutoryHighAge,Boarders (code),Boarders (name),NurseryProvision (name),"
    "OfficialSixthForm (code),OfficialSixthForm (name),Gender (code),Gender (name),"
    "ReligiousCharacter (code),ReligiousCharacter (name),ReligiousEthos (name),Diocese (code),"
    "Diocese (name),AdmissionsPolicy (code),AdmissionsPolicy (name),SchoolCapacity,"
    "SpecialClasses (code),SpecialClasses (name),CensusDate,NumberOfPupils,NumberOfBoys,"
    "NumberOfGirls,PercentageFSM,TrustSchoolFlag (code),TrustSchoolFlag (name),Trusts (code),"
    "Trusts (name),SchoolSponsorFlag (name),SchoolSponsors (name),FederationFlag (name),"
    "Federations (code),Federations (name),UKPRN,FEHEIdentifier,FurtherEducationType (name),"
    "OfstedLastInsp,OfstedSpecialMeasures (code),OfstedSpecialMeasures (name),LastChangedDate,"
    "Street,Locality,Address3,Town,County (name),Postcode,SchoolWebsite,TelephoneNum,"
    "HeadTitle (name),HeadFirstName,HeadLastName,HeadPreferredJobTitle,BSOInspectorateName (name),"
    "InspectorateReport,DateOfLastInspectionVisit,NextInspectionVisit,TeenMoth (name),"
    "TeenMothPlaces,CCF (name),SENPRU (name),EBD (name),PlacesPRU,FTProv (name),EdByOther (name),"
    "Section41Approved (name),SEN1 (name),SEN2 (name),SEN3 (name),SEN4 (name),SEN5 (name),"
    "SEN6 (name),SEN7 (name),SEN8 (name),SEN9 (name),SEN10 (name),SEN11 (name),SEN12 (name),"
    "SEN13 (name),TypeOfResourcedProvision (name),ResourcedProvisionOnRoll,"
    "ResourcedProvisionCapacity,SenUnitOnRoll,SenUnitCapacity,GOR (code),GOR (name),"
    "DistrictAdministrative (code),DistrictAdministrative (name),AdministrativeWard (code),"
    "AdministrativeWard (name),ParliamentaryConstituency (code),ParliamentaryConstituency (name),"
    "UrbanRural (code),UrbanRural (name),GSSLACode (name),Easting,Northing,MSOA (name),LSOA (name),"
    "InspectorateName (name),SENStat,SENNoStat,BoardingEstablishment (name),PropsName,"
    "PreviousLA (code),PreviousLA (name),PreviousEstablishmentNumber,OfstedRating (name),"
    "RSCRegion (name),Country (name),UPRN,SiteName,QABName (code),QABName (name),"
    "EstablishmentAccredited (code),EstablishmentAccredited (name),QABReport,CHNumber,MSOA (code),"
    "LSOA (code),FSM,AccreditationExpiryDate"
).split(",")

# EduBase 2015 layout: different order, names only (no codes), WebsiteAddress, TelephoneSTD.
GIAS_2015 = [
    "Address3", "County (name)", "CloseDate", "EstablishmentName", "EstablishmentNumber", "OpenDate",
    "EstablishmentStatus (name)", "Gender (name)", "HeadFirstName", "HeadHonours", "HeadLastName",
    "HeadPreferredJobTitle", "HeadTitle (name)", "LastChangedDate", "LA (name)", "LA (code)", "Locality",
    "Postcode", "PreviousEstablishmentNumber", "PreviousLA (name)", "PreviousLA (code)",
    "ReasonEstablishmentClosed (name)", "ReasonEstablishmentOpened (name)", "StatutoryHighAge",
    "StatutoryLowAge", "Street", "TelephoneNum", "TelephoneSTD", "Town", "TypeOfEstablishment (name)", "UKPRN",
    "URN", "WebsiteAddress", "OfficialSixthForm (name)", "PhaseOfEducation (name)", "Diocese (name)",
    "OfstedLastInsp", "PercentageFSM", "ReligiousCharacter (name)", "SchoolCapacity", "Trusts (name)",
    "TrustSchoolFlag (name)", "NumberOfPupils", "GOR (name)",
]

LINKS = ["URN", "LinkURN", "LinkName", "LinkType", "LinkEstablishedDate"]

# Ofsted official statistics / management information, 2023 layout (as published, no index column).
OFSTED_2023 = (
    "Web Link,URN,LAESTAB,School name,Ofsted phase,Type of education,School open date,Admissions policy,"
    "Sixth form,Designated religious character,Religious ethos,Faith grouping,Ofsted region,Region,"
    "Local authority,Parliamentary constituency,Multi-academy trust UID,Multi-academy trust name,"
    "Academy sponsor UID,Academy sponsor name,Postcode,"
    "Number of warning notices issued in 2022/23 academic year,"
    "The income deprivation affecting children index (IDACI) quintile,Total number of pupils,"
    "Statutory lowest age,Statutory highest age,Latest ungraded inspection number since last graded inspection,"
    "Does the ungraded inspection relate to the URN of the current school?,URN at time of the ungraded inspection,"
    "LAESTAB at time of the ungraded inspection,School name at time of the ungraded inspection,"
    "School type at time of the ungraded inspection,Number of ungraded inspections since the last graded inspection,"
    "Date of latest ungraded inspection,Ungraded inspection publication date,"
    "Did the latest ungraded inspection convert to a graded inspection?,Ungraded inspection overall outcome,"
    "Number of monitoring and urgent inspections since last graded inspection,"
    "Inspection number of latest graded inspection,Inspection type,Inspection type grouping,Event type grouping,"
    "Inspection start date,Inspection end date,Publication date,"
    "Does the latest graded inspection relate to the URN of the current school?,"
    "URN at time of latest graded inspection,LAESTAB at time of latest graded inspection,"
    "School name at time of latest graded inspection,School type at time of latest graded inspection,"
    "Current school type used for chart C6,Overall effectiveness,Category of concern,Quality of education,"
    "Behaviour and attitudes,Personal development,Effectiveness of leadership and management,"
    "Safeguarding is effective?,Early years provision (where applicable),Sixth form provision (where applicable),"
    "Previous inspection number,Previous inspection start date,Previous inspection end date,"
    "Previous publication date,Does the previous graded inspection relate to the URN of the current school?,"
    "URN at time of previous graded inspection,LAESTAB at time of previous graded inspection,"
    "School name at time of previous graded inspection,School type at time of previous graded inspection,"
    "Previous graded inspection overall effectiveness,Previous category of concern,Previous quality of education,"
    "Previous behaviour and attitudes,Previous personal development,"
    "Previous effectiveness of leadership and management,Previous safeguarding is effective?,"
    "Previous early years provision (where applicable),Previous sixth form provision (where applicable)"
).split(",")

# Monthly management information from November 2025: report-card grades for the latest full
# inspection, the latest EIF ("OEIF") graded inspection alongside (note the double space).
OFSTED_2025 = [
    "URN", "LAESTAB", "School name", "Ofsted phase", "Type of education",
    "Inspection number of latest full inspection", "Inspection type", "Inspection start date", "Publication date",
    "Safeguarding standards", "Inclusion", "Inclusion - date of grade", "Curriculum and teaching",
    "Achievement", "Attendance and behaviour", "Personal development and wellbeing",
    "Early years (where applicable)", "Post-16 provision (where applicable)", "Leadership and governance",
    "Category of concern", "Inspection number of latest OEIF graded inspection",
    "Inspection start date of latest OEIF graded inspection", "Publication date of latest OEIF graded inspection",
    "Latest OEIF overall effectiveness", "Latest OEIF quality of education", "Latest OEIF behaviour and attitudes",
    "Latest OEIF personal development", "Latest OEIF effectiveness of leadership and management",
    "Latest OEIF  safeguarding is effective?", "Latest OEIF early years provision (where applicable)",
    "Latest OEIF sixth form provision (where applicable)", "URN at time of latest OEIF graded inspection",
    "Date of latest ungraded inspection", "Ungraded inspection publication date",
    "Ungraded inspection overall outcome", "Most recent category of concern",
]

CENSUS = ("URN,LA,ESTAB,SCHOOLTYPE,NOR,NORG,NORB,PNORG,PNORB,TSENELSE,PSENELSE,TSENELK,PSENELK,NUMEAL,"
          "NUMENGFL,NUMUNCFL,PNUMEAL,PNUMENGFL,PNUMUNCFL,NUMFSM,NUMFSMEVER,PNUMFSMEVER").split(",")
ABSENCE = ["LA", "ESTAB", "URN", "PERCTOT", "PPERSABS10"]
ABSENCE_2012 = ["LA", "ESTAB", "URN", "PERCTOT", "PPERSABS15"]
KS4 = ("RECTYPE,LEA,ESTAB,URN,SCHNAME,ICLOSE,NFTYPE,TPUP,ATT8SCR,P8PUP,TP8ADJ,P8MEA,P8CILOW,P8CIUPP,"
       "P8MEA_ORIG,P8CILOW_ORIG,P8CIUPP_ORIG,PTL2BASICS_94,PTL2BASICS_95,EBACCAPS,PTEBACC_E_PTQ_EE,PTEBACC_94,"
       "PTEBACC_95,PT5EM_94,P8_BANDING").split(",")
KS2 = ["RECTYPE", "LEA", "ESTAB", "URN", "SCHNAME", "TELIG", "PTRWM_EXP", "PTRWM_HIGH", "READPROG",
       "WRITPROG", "MATPROG"]
# Explore education statistics school-level files carry the year as time_period.
EES_EXCLUSIONS = ["time_period", "time_identifier", "geographic_level", "country_code", "old_la_code",
                  "la_name", "school_urn", "school_laestab", "school_type", "headcount", "perm_excl",
                  "perm_excl_rate", "susp", "susp_rate"]


def csv_text(header: Sequence[str], rows: Sequence[Mapping[str, object] | Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        if isinstance(row, Mapping):
            unknown = set(row) - set(header)
            assert not unknown, f"columns not in the header: {unknown}"
            writer.writerow(["" if row.get(h) is None else row.get(h) for h in header])
        else:
            writer.writerow(row)
    return out.getvalue()


def write_csv(path: Path, header: Sequence[str], rows, *, encoding: str = "cp1252") -> Path:
    """Write an authored file as a publisher would: Windows-1252 by default, CRLF endings."""
    path.write_bytes(csv_text(header, rows).encode(encoding))
    return path


def gias_row(urn: str, **overrides: object) -> dict[str, object]:
    """An open community primary school in LA 901, in the 2024 layout."""
    row: dict[str, object] = {
        "URN": urn, "LA (code)": "901", "LA (name)": "Northmoor", "EstablishmentNumber": "2" + urn[-3:],
        "EstablishmentName": f"School {urn}", "TypeOfEstablishment (code)": "1",
        "TypeOfEstablishment (name)": "Community school", "EstablishmentTypeGroup (code)": "4",
        "EstablishmentTypeGroup (name)": "Local authority maintained schools", "EstablishmentStatus (code)": "1",
        "EstablishmentStatus (name)": "Open", "OpenDate": "", "CloseDate": "", "PhaseOfEducation (code)": "2",
        "PhaseOfEducation (name)": "Primary", "StatutoryLowAge": "4", "StatutoryHighAge": "11",
        "ReligiousCharacter (name)": "Does not apply", "Diocese (name)": "Not applicable",
        "NumberOfPupils": "210", "PercentageFSM": "12.5", "Trusts (code)": "", "Trusts (name)": "",
        "Street": "1 School Lane", "Town": "Northmoor", "Postcode": "NM1 1AA",
        "SchoolWebsite": "www.example.org", "TelephoneNum": "1632960000", "HeadTitle (name)": "Ms",
        "HeadFirstName": "Ada", "HeadLastName": "Example", "HeadPreferredJobTitle": "Headteacher",
    }
    row.update(overrides)
    return row
