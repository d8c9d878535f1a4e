"""Surveys (满意度测评): questionnaires as data, responses, exact scoring and analysis.

* :mod:`pmcrm.surveys.instrument` — items, scales, dimensions and weights;
* :mod:`pmcrm.surveys.responses` — answers, with missing and "not applicable" apart;
* :mod:`pmcrm.surveys.stats` — Wilson intervals, NPS and its interval, Cronbach's alpha;
* :mod:`pmcrm.surveys.scoring` — item and dimension scores, CSAT, NPS, the CSI,
  SERVQUAL gaps and alpha, in one streaming pass;
* :mod:`pmcrm.surveys.ipa` — the importance–satisfaction quadrants (四分图);
* :mod:`pmcrm.surveys.breakdowns` — scores by segment and by period, small groups flagged;
* :mod:`pmcrm.surveys.history` — customers' satisfaction records for the tier review.

Plotting (:mod:`pmcrm.surveys.charts`, the ``plot`` extra) and the numpy
path (:mod:`pmcrm.surveys.fast`, the ``fast`` extra) are imported by name
only: ``import pmcrm.surveys`` loads neither matplotlib nor numpy.
"""

from pmcrm.surveys.breakdowns import (
    DEFAULT_MIN_N,
    NONE_GROUP,
    Breakdown,
    Group,
    PeriodUnit,
    breakdown,
    by_period,
    by_segment,
    period_key,
)
from pmcrm.surveys.history import (
    HISTORY_PLACES,
    respondent_csi,
    satisfaction_history,
    satisfaction_record,
)
from pmcrm.surveys.instrument import (
    Dimension,
    DimensionDef,
    Instrument,
    Item,
    ItemRole,
    Scale,
    scale_bounds,
)
from pmcrm.surveys.ipa import (
    Crosshair,
    CrosshairKind,
    ImportanceSource,
    IpaItem,
    IpaResult,
    PairSums,
    Quadrant,
    Unplaced,
    crosshair_value,
    ipa,
    ipa_from_responses,
    pair_sums,
    pearson,
    quadrant_of,
)
from pmcrm.surveys.responses import (
    Answer,
    Response,
    Segment,
    check_response,
)
from pmcrm.surveys.scoring import (
    DimensionScore,
    ItemScore,
    NpsScore,
    Proportion,
    SurveyScores,
    Weighting,
    score_survey,
    to_100,
)
from pmcrm.surveys.stats import (
    Z_95,
    cronbach_alpha,
    decimal,
    nps,
    nps_interval,
    wilson_interval,
)

__all__ = [
    "DEFAULT_MIN_N",
    "HISTORY_PLACES",
    "NONE_GROUP",
    "Z_95",
    "Answer",
    "Breakdown",
    "Crosshair",
    "CrosshairKind",
    "Dimension",
    "DimensionDef",
    "DimensionScore",
    "Group",
    "ImportanceSource",
    "Instrument",
    "IpaItem",
    "IpaResult",
    "Item",
    "ItemRole",
    "ItemScore",
    "NpsScore",
    "PairSums",
    "PeriodUnit",
    "Proportion",
    "Quadrant",
    "Response",
    "Scale",
    "Segment",
    "SurveyScores",
    "Unplaced",
    "Weighting",
    "breakdown",
    "by_period",
    "by_segment",
    "check_response",
    "cronbach_alpha",
    "crosshair_value",
    "decimal",
    "ipa",
    "ipa_from_responses",
    "nps",
    "nps_interval",
    "pair_sums",
    "pearson",
    "period_key",
    "quadrant_of",
    "respondent_csi",
    "satisfaction_history",
    "satisfaction_record",
    "scale_bounds",
    "score_survey",
    "to_100",
    "wilson_interval",
]
