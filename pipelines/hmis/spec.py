"""What bynames needs of HUD's HMIS CSV format specifications (FY2024 and FY2026), kept as data.

Only the files and columns the statuses are derived from are described column by column; the other
files of the spec are known by name so that they are accepted (and left unread) rather than reported
as strangers. Code lists follow the spec's Appendix B; 8, 9 and 99 are answers ("client doesn't
know", "client prefers not to answer", "data not collected"), never blanks.
"""

from __future__ import annotations

from typing import NamedTuple

FY2024, FY2026 = 2024, 2026
VERSIONS = (FY2024, FY2026)

# Every file of the FY2024/FY2026 export, by the name the spec gives it.
SPEC_FILES = (
    "Export", "Organization", "User", "Project", "Funder", "ProjectCoC", "Inventory", "Affiliation",
    "HMISParticipation", "CEParticipation", "Client", "Enrollment", "Exit", "IncomeBenefits", "HealthAndDV",
    "EmploymentEducation", "Disabilities", "Services", "CurrentLivingSituation", "Assessment",
    "AssessmentQuestions", "AssessmentResults", "Event", "YouthEducationStatus",
)
# Without these there is nothing to derive a list from, so the export is refused.
REQUIRED_FILES = ("Export", "Organization", "Project", "Client", "Enrollment")

ANSWERS = {8: "Client doesn't know", 9: "Client prefers not to answer", 99: "Data not collected"}
NO_YES = frozenset({0, 1})
NO_YES_ANSWERS = frozenset({0, 1, 8, 9, 99})
ANSWER_CODES = frozenset(ANSWERS)

# 2.02.6 ProjectType
EMERGENCY_SHELTER_ENTRY_EXIT, EMERGENCY_SHELTER_NIGHT_BY_NIGHT = 0, 1
TRANSITIONAL_HOUSING, PH_SUPPORTIVE_HOUSING, STREET_OUTREACH = 2, 3, 4
SAFE_HAVEN, PH_HOUSING_ONLY, PH_HOUSING_WITH_SERVICES, PH_RAPID_REHOUSING = 8, 9, 10, 13
PROJECT_TYPE_NAMES = {
    0: "emergency shelter", 1: "night-by-night shelter", 2: "transitional housing", 3: "supportive housing",
    4: "street outreach", 6: "services only", 7: "other", 8: "safe haven", 9: "housing only",
    10: "housing with services", 11: "day shelter", 12: "homelessness prevention", 13: "rapid re-housing",
    14: "coordinated entry",
}
PROJECT_TYPES = frozenset(PROJECT_TYPE_NAMES)
# Where every enrollment is evidence of literal homelessness (DESIGN §2.1).
HOMELESS_PROJECTS = frozenset({EMERGENCY_SHELTER_ENTRY_EXIT, EMERGENCY_SHELTER_NIGHT_BY_NIGHT, TRANSITIONAL_HOUSING,
                               STREET_OUTREACH, SAFE_HAVEN})
# The person sleeps there every night from entry to exit; night-by-night shelter counts only bed nights.
RESIDENTIAL_HOMELESS_PROJECTS = frozenset({EMERGENCY_SHELTER_ENTRY_EXIT, TRANSITIONAL_HOUSING, SAFE_HAVEN})
PERMANENT_HOUSING_PROJECTS = frozenset({PH_SUPPORTIVE_HOUSING, PH_HOUSING_ONLY, PH_HOUSING_WITH_SERVICES,
                                        PH_RAPID_REHOUSING})
# HUD's chronic definition counts nights in shelter, safe haven or the street; transitional housing breaks it.
CHRONIC_PROJECTS = frozenset({EMERGENCY_SHELTER_ENTRY_EXIT, EMERGENCY_SHELTER_NIGHT_BY_NIGHT, STREET_OUTREACH,
                              SAFE_HAVEN})

# 3.12 / 3.917 / 4.12 living situations and destinations: the hundreds digit is the category.
HOMELESS, INSTITUTIONAL, TEMPORARY, PERMANENT = 1, 2, 3, 4
TRANSITIONAL_HOUSING_SITUATION = 302
DECEASED = 24
_HOMELESS_SITUATIONS = {101, 116, 118}
_INSTITUTIONS = {204, 205, 206, 207, 215, 225}
PRIOR_LIVING_SITUATIONS = frozenset(
    _HOMELESS_SITUATIONS | _INSTITUTIONS | {302, 314, 329, 332, 335, 336} | {410, 411, 421, 435} | ANSWER_CODES
)
_OTHER_DESTINATIONS = {17, 24, 30, 37}  # other, deceased, no exit interview, worker unable to determine
DESTINATIONS = frozenset(
    _HOMELESS_SITUATIONS | _INSTITUTIONS | {302, 312, 313, 314, 327, 329, 332, 335, 336}
    | {410, 411, 421, 422, 423, 426, 435} | _OTHER_DESTINATIONS | ANSWER_CODES
)
CURRENT_LIVING_SITUATIONS = frozenset(DESTINATIONS - {24, 30})

# 3.917.2 LengthOfStay: which answers are under HUD's thresholds for the chronic test.
LENGTH_OF_STAY = frozenset({2, 3, 4, 5, 10, 11} | ANSWER_CODES)
UNDER_7_NIGHTS = frozenset({10, 11})  # one night or less; two to six nights
UNDER_90_DAYS = frozenset({10, 11, 2, 3})  # ... one week to a month; one month to 90 days
# 3.917.4 / 3.917.5
FOUR_OR_MORE_TIMES = 4
TIMES_HOMELESS = frozenset({1, 2, 3, 4} | ANSWER_CODES)
TWELVE_MONTHS_OR_MORE = frozenset({112, 113})
MONTHS_HOMELESS = frozenset(set(range(101, 114)) | ANSWER_CODES)
ADULT_AGE = 18  # an adult in HUD's reports, and for a household's type
# 3.15.1 RelationshipToHoH
HEAD_OF_HOUSEHOLD = 1
RELATIONSHIPS = frozenset({1, 2, 3, 4, 5, 99})
# 4.14 / W1 / V2 / P1 / R14 / V8 / C2 RecordType of Services.csv
BED_NIGHT = 200
SERVICE_RECORD_TYPES = frozenset({141, 142, 143, 144, 151, 152, 161, 200, 210, 300})

# 4.05-4.10 Disabilities.csv: a condition counts as a disability for chronic homelessness when it is
# expected to be of long-continued and indefinite duration and impairs the ability to live on one's
# own; HUD does not ask that of a developmental disability or HIV/AIDS, which always count.
DISABILITY_TYPES = {5: "physical", 6: "developmental", 7: "chronic health", 8: "HIV/AIDS", 9: "mental health",
                    10: "substance use"}
ALWAYS_DISABLING = frozenset({6, 8})
DISABILITY_RESPONSES = frozenset({0, 1, 2, 3} | ANSWER_CODES)  # substance use: 1 alcohol, 2 drugs, 3 both
PROJECT_START = 1
DATA_COLLECTION_STAGES = frozenset({1, 2, 3, 5, 6})

# 4.19 and 4.20 Coordinated entry: assessments and the events that follow them (referrals).
ASSESSMENT_LEVELS = {1: "crisis needs assessment", 2: "housing needs assessment"}
PLACED_ON_PRIORITY_LIST, NOT_PLACED = 1, 2
EVENTS = {  # what the person was referred to (2 is a service given, not a referral)
    1: "prevention assistance", 2: "problem solving or diversion", 3: "a crisis needs assessment",
    4: "a housing needs assessment", 5: "follow-up case management", 6: "street outreach",
    7: "housing navigation", 8: "services outside the continuum (not eligible)",
    9: "services outside the continuum (nothing available)", 10: "a shelter bed",
    11: "a transitional housing opening", 12: "a joint TH-RRH opening", 13: "a rapid re-housing opening",
    14: "a supportive housing opening", 15: "another permanent housing opening",
    16: "emergency assistance or a flex fund", 17: "an Emergency Housing Voucher", 18: "a Housing Stability Voucher",
}
HOUSING_REFERRALS = frozenset({10, 11, 12, 13, 14, 15, 17, 18})  # to an opening, which must get a result
REFERRAL_RESULTS = {1: "accepted", 2: "the person turned it down", 3: "the provider turned it down"}

RACE_FLAGS = {
    "AmIndAKNative": "American Indian, Alaska Native or Indigenous",
    "Asian": "Asian or Asian American",
    "BlackAfAmerican": "Black, African American or African",
    "MidEastNAfrican": "Middle Eastern or North African",
    "NativeHIPacific": "Native Hawaiian or Pacific Islander",
    "White": "White",
}
HISPANIC_FLAG = "HispanicLatinaeo"
HISPANIC = "Hispanic/Latina/e/o"
# FY2024 asks gender as flags; FY2026 asks sex (0 female, 1 male) instead.
GENDER_FLAGS = {
    "Woman": "Woman", "Man": "Man", "NonBinary": "Non-binary",
    "CulturallySpecific": "Culturally specific identity", "Transgender": "Transgender",
    "Questioning": "Questioning", "DifferentIdentity": "Different identity",
}
SEX = {0: "Female", 1: "Male"}

_AUDIT = ("DateCreated", "DateUpdated", "UserID", "DateDeleted", "ExportID")


def _columns(text: str) -> tuple[str, ...]:
    return tuple(text.split())


class FileSpec(NamedTuple):
    key: str  # the primary key
    columns: tuple[str, ...]
    required: tuple[str, ...]  # without these the file cannot be read
    dates: tuple[str, ...]
    codes: dict  # coded column -> the codes its list allows


# The files that are read, with FY2026's columns (FY2024's differences are in CLIENT_COLUMNS).
FILES = {
    "Export": FileSpec(
        "ExportID",
        _columns("ExportID SourceType SourceID SourceName SourceContactFirst SourceContactLast SourceContactPhone "
                 "SourceContactExtension SourceContactEmail ExportDate ExportStartDate ExportEndDate SoftwareName "
                 "SoftwareVersion CSVVersion ExportPeriodType ExportDirective HashStatus ImplementationID"),
        ("ExportID", "ExportDate", "ExportEndDate"),
        (), {},
    ),
    "Organization": FileSpec(
        "OrganizationID",
        _columns("OrganizationID OrganizationName VictimServiceProvider OrganizationCommonName") + _AUDIT,
        ("OrganizationID",),
        (), {},
    ),
    "Project": FileSpec(
        "ProjectID",
        _columns("ProjectID OrganizationID ProjectName ProjectCommonName OperatingStartDate OperatingEndDate "
                 "ContinuumProject ProjectType HousingType RRHSubType ResidentialAffiliation TargetPopulation "
                 "HOPWAMedAssistedLivingFac PITCount") + _AUDIT,
        ("ProjectID", "OrganizationID", "ProjectType"),
        ("OperatingStartDate", "OperatingEndDate"), {"ProjectType": PROJECT_TYPES},
    ),
    "ProjectCoC": FileSpec(
        "ProjectCoCID",
        _columns("ProjectCoCID ProjectID CoCCode Geocode Address1 Address2 City State ZIP GeographyType") + _AUDIT,
        ("ProjectCoCID", "ProjectID", "CoCCode"),
        (), {},
    ),
    "Client": FileSpec(
        "PersonalID",
        (),  # by version: CLIENT_COLUMNS
        ("PersonalID", "DOB", "VeteranStatus"),
        ("DOB",),
        {"VeteranStatus": NO_YES_ANSWERS, "RaceNone": ANSWER_CODES, "GenderNone": ANSWER_CODES,
         "Sex": frozenset(SEX) | ANSWER_CODES, HISPANIC_FLAG: NO_YES,
         **{flag: NO_YES for flag in (*RACE_FLAGS, *GENDER_FLAGS)}},
    ),
    "Enrollment": FileSpec(
        "EnrollmentID",
        _columns("EnrollmentID PersonalID ProjectID EntryDate HouseholdID RelationshipToHoH EnrollmentCoC "
                 "LivingSituation RentalSubsidyType LengthOfStay LOSUnderThreshold PreviousStreetESSH "
                 "DateToStreetESSH TimesHomelessPastThreeYears MonthsHomelessPastThreeYears DisablingCondition "
                 "DateOfEngagement MoveInDate DateOfPATHStatus ClientEnrolledInPATH ReasonNotEnrolled PercentAMI "
                 "ReferralSource CountOutreachReferralApproaches DateOfBCPStatus EligibleForRHY ReasonNoServices "
                 "RunawayYouth SexualOrientation SexualOrientationOther FormerWardChildWelfare ChildWelfareYears "
                 "ChildWelfareMonths FormerWardJuvenileJustice JuvenileJusticeYears JuvenileJusticeMonths "
                 "UnemploymentFam MentalHealthDisorderFam PhysicalDisabilityFam AlcoholDrugUseDisorderFam "
                 "InsufficientIncome IncarceratedParent VAMCStation TargetScreenReqd TimeToHousingLoss "
                 "AnnualPercentAMI LiteralHomelessHistory ClientLeaseholder HoHLeaseholder SubsidyAtRisk "
                 "EvictionHistory CriminalRecord IncarceratedAdult PrisonDischarge SexOffender DisabledHoH "
                 "CurrentPregnant SingleParent DependentUnder6 HH5Plus CoCPrioritized HPScreeningScore "
                 "ThresholdScore MentalHealthConsultation TranslationNeeded PreferredLanguage "
                 "PreferredLanguageDifferent") + _AUDIT,
        ("EnrollmentID", "PersonalID", "ProjectID", "EntryDate", "HouseholdID", "RelationshipToHoH",
         "LivingSituation", "LengthOfStay", "LOSUnderThreshold", "PreviousStreetESSH", "DateToStreetESSH",
         "TimesHomelessPastThreeYears", "MonthsHomelessPastThreeYears", "DisablingCondition", "MoveInDate"),
        ("EntryDate", "DateToStreetESSH", "DateOfEngagement", "MoveInDate"),
        {"RelationshipToHoH": RELATIONSHIPS, "LivingSituation": PRIOR_LIVING_SITUATIONS,
         "LengthOfStay": LENGTH_OF_STAY, "LOSUnderThreshold": NO_YES, "PreviousStreetESSH": NO_YES,
         "TimesHomelessPastThreeYears": TIMES_HOMELESS, "MonthsHomelessPastThreeYears": MONTHS_HOMELESS,
         "DisablingCondition": NO_YES_ANSWERS},
    ),
    "Exit": FileSpec(
        "ExitID",
        _columns("ExitID EnrollmentID PersonalID ExitDate Destination DestinationSubsidyType OtherDestination "
                 "HousingAssessment SubsidyInformation ProjectCompletionStatus EarlyExitReason ExchangeForSex "
                 "ExchangeForSexPastThreeMonths CountOfExchangeForSex AskedOrForcedToExchangeForSex "
                 "AskedOrForcedToExchangeForSexPastThreeMonths WorkplaceViolenceThreats WorkplacePromiseDifference "
                 "CoercedToContinueWork LaborExploitPastThreeMonths CounselingReceived IndividualCounseling "
                 "FamilyCounseling GroupCounseling SessionCountAtExit PostExitCounselingPlan SessionsInPlan "
                 "DestinationSafeClient DestinationSafeWorker PosAdultConnections PosPeerConnections "
                 "PosCommunityConnections AftercareDate AftercareProvided EmailSocialMedia Telephone "
                 "InPersonIndividual InPersonGroup CMExitReason") + _AUDIT,
        ("ExitID", "EnrollmentID", "PersonalID", "ExitDate", "Destination"),
        ("ExitDate",),
        {"Destination": DESTINATIONS},
    ),
    "Services": FileSpec(
        "ServicesID",
        _columns("ServicesID EnrollmentID PersonalID DateProvided RecordType TypeProvided OtherTypeProvided "
                 "MovingOnOtherType SubTypeProvided FAAmount FAStartDate FAEndDate ReferralOutcome") + _AUDIT,
        ("ServicesID", "EnrollmentID", "PersonalID", "DateProvided", "RecordType"),
        ("DateProvided",),
        {"RecordType": SERVICE_RECORD_TYPES},
    ),
    "Disabilities": FileSpec(
        "DisabilitiesID",
        _columns("DisabilitiesID EnrollmentID PersonalID InformationDate DisabilityType DisabilityResponse "
                 "IndefiniteAndImpairs TCellCountAvailable TCellCount TCellSource ViralLoadAvailable ViralLoad "
                 "ViralLoadSource AntiRetroviral DataCollectionStage") + _AUDIT,
        ("DisabilitiesID", "EnrollmentID", "PersonalID", "DisabilityType", "DisabilityResponse",
         "DataCollectionStage"),
        ("InformationDate",),
        {"DisabilityType": frozenset(DISABILITY_TYPES), "DisabilityResponse": DISABILITY_RESPONSES,
         "IndefiniteAndImpairs": NO_YES_ANSWERS, "DataCollectionStage": DATA_COLLECTION_STAGES},
    ),
    "Assessment": FileSpec(
        "AssessmentID",
        _columns("AssessmentID EnrollmentID PersonalID AssessmentDate AssessmentLocation AssessmentType "
                 "AssessmentLevel PrioritizationStatus") + _AUDIT,
        ("AssessmentID", "EnrollmentID", "PersonalID", "AssessmentDate", "PrioritizationStatus"),
        ("AssessmentDate",),
        {"AssessmentType": frozenset({1, 2, 3}), "AssessmentLevel": frozenset(ASSESSMENT_LEVELS),
         "PrioritizationStatus": frozenset({PLACED_ON_PRIORITY_LIST, NOT_PLACED})},
    ),
    "Event": FileSpec(
        "EventID",
        _columns("EventID EnrollmentID PersonalID EventDate Event ProbSolDivRRResult ReferralCaseManageAfter "
                 "LocationCrisisOrPHHousing ReferralResult ResultDate") + _AUDIT,
        ("EventID", "EnrollmentID", "PersonalID", "EventDate", "Event"),
        ("EventDate", "ResultDate"),
        {"Event": frozenset(EVENTS), "ReferralResult": frozenset(REFERRAL_RESULTS)},
    ),
    "CurrentLivingSituation": FileSpec(
        "CurrentLivingSitID",
        _columns("CurrentLivingSitID EnrollmentID PersonalID InformationDate CurrentLivingSituation "
                 "CLSSubsidyType VerifiedBy LeaveSituation14Days SubsequentResidence ResourcesToObtain "
                 "LeaseOwn60Day MovedTwoOrMore LocationDetails") + _AUDIT,
        ("CurrentLivingSitID", "EnrollmentID", "PersonalID", "InformationDate", "CurrentLivingSituation"),
        ("InformationDate",),
        {"CurrentLivingSituation": CURRENT_LIVING_SITUATIONS},
    ),
}

_CLIENT_START = _columns("PersonalID FirstName MiddleName LastName NameSuffix NameDataQuality SSN SSNDataQuality "
                         "DOB DOBDataQuality")
_RACE = _columns("AmIndAKNative Asian BlackAfAmerican HispanicLatinaeo MidEastNAfrican NativeHIPacific White "
                 "RaceNone AdditionalRaceEthnicity")
_VETERAN = _columns("VeteranStatus YearEnteredService YearSeparated WorldWarII KoreanWar VietnamWar DesertStorm "
                    "AfghanistanOEF IraqOIF IraqOND OtherTheater MilitaryBranch DischargeStatus")
CLIENT_COLUMNS = {
    FY2024: _CLIENT_START + _RACE + (*GENDER_FLAGS, "GenderNone", "DifferentIdentityText") + _VETERAN + _AUDIT,
    FY2026: _CLIENT_START + ("Sex",) + _RACE + _VETERAN + _AUDIT,
}
# Spellings vendors and HUD's own FY2026 sample use for a spec column.
COLUMN_ALIASES = {"hispaniclatinao": HISPANIC_FLAG, "hispaniclatino": HISPANIC_FLAG, "hispaniclatinx": HISPANIC_FLAG}
# The Client columns that tell the versions apart when Export.CSVVersion is blank.
VERSION_MARKERS = {FY2026: ("Sex",), FY2024: ("GenderNone", "Woman", "Man")}


def columns_of(file: str, version: int) -> tuple[str, ...]:
    return CLIENT_COLUMNS[version] if file == "Client" else FILES[file].columns

