"""Each finding of the 2026-12 protocol audit (A1-A4, B1-B8, C1-C15) against the shipped library.

A finding is either fixed in the shipped files, which these tests read, or argued with a source
in docs/protocol-library.md, whose argument these tests check is there. The audit itself is
kept with the project's shared reference material.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from npt_protocol.planning.checklist import build_checklist
from npt_protocol.protocol.model import PRACTICE_DEFAULT, Point, Protocol, Sourced
from npt_protocol.render.documents import checklist_data
from npt_protocol.render.sheets import checklist_sheet
from tests.sessions import META, shipped
from tests.test_protocol_sources import everything

LIBRARY_DOC = Path(__file__).parent.parent / "docs" / "protocol-library.md"
FINDINGS = [f"A{i}" for i in range(1, 5)] + [f"B{i}" for i in range(1, 9)]
FINDINGS += [f"C{i}" for i in range(1, 16)]


def protocol(pid: str) -> Protocol:
    """Return a shipped protocol."""
    return shipped()[pid]


def point(pid: str, point_id: str) -> Point:
    """Return one point of a shipped protocol."""
    return next(p for _, p in protocol(pid).points if p.id == point_id)


def said(items: tuple[Sourced, ...]) -> str:
    """Join statements into one lower-case text to search."""
    return " ".join(item.text for item in items).lower()


def sources(items: tuple[Sourced, ...]) -> set[str | None]:
    """Return the sources statements cite."""
    return {item.source for item in items}


def sheet(pid: str, side: str | None = "left", points: int | None = None) -> str:
    """Print a shipped protocol's checklist as text."""
    return checklist_sheet(
        checklist_data(build_checklist(protocol(pid), side=side, points=points)), META, "text"
    )


def row_line(text: str, point_name: str) -> str:
    """Return the first table row of a printed sheet that names a point."""
    return next(line for line in text.splitlines() if point_name in line and " mL" in line)


def library_doc() -> str:
    """Read docs/protocol-library.md."""
    return LIBRARY_DOC.read_text(encoding="utf-8")


def finding_line(finding: str) -> str:
    """Return the line of docs/protocol-library.md that answers one audit finding."""
    lines = [line for line in library_doc().splitlines() if line.startswith(f"| {finding} |")]
    assert len(lines) == 1, f"docs/protocol-library.md answers {finding} {len(lines)} times"
    return lines[0]


# --- Severity A: cautions at hazardous sites ----------------------------------------------


def test_a1_supraclavicular_fossa_points_carry_the_plexus_vessel_and_pleura_caution() -> None:
    fossa = point("shoulder", "supraclavicular-fossa")
    text = said(fossa.cautions)
    for word in ("brachial plexus", "subclavian artery", "pleura", "external jugular vein"):
        assert word in text
    assert "tangential" in text and "pneumothorax" in text and "ultrasound" in text
    assert "nysora-supraclavicular" in sources(fossa.cautions)
    printed = sheet("shoulder")
    # The caution is printed beside the point: its label in the row, its text in the notes.
    assert re.search(r"C\d", row_line(printed, "Supraclavicular fossa"))
    notes = printed.split("Landmarks and cautions at each point")[1]
    fossa_note = next(line for line in notes.splitlines() if "Supraclavicular fossa" in line)
    assert "pleura" in fossa_note and "[nysora-supraclavicular]" in fossa_note


def test_a2_interscapular_points_carry_a_pneumothorax_caution_with_the_ct_figures() -> None:
    interscapular = point("upper-back", "interscapular")
    text = said(interscapular.cautions)
    assert "3.7 ± 0.7 cm" in text and "0.380 × bmi − 4.301" in text
    assert "pneumothorax" in text and "copd" in text and "tangential" in text
    assert {"kim-2002", "nishie-2021"} <= sources(interscapular.cautions)
    assert re.search(r"C\d", row_line(sheet("upper-back"), "Between the spine and the scapula"))


def test_a3_neck_points_warn_of_the_jugular_vein_plexus_phrenic_nerve_and_occipital_artery() -> (
    None
):
    for point_id in ("posterior-border-scm-upper", "nerve-point-of-neck"):
        text = said(point("neck", point_id).cautions)
        for word in ("external jugular vein", "brachial plexus", "phrenic nerve"):
            assert word in text
        assert "never direct it medially or deep" in text
        assert "investing layer of the deep cervical fascia" in text
    suboccipital = point("neck", "suboccipital")
    assert "occipital artery" in said(suboccipital.cautions)
    assert "grays-1918" in sources(suboccipital.cautions)


def test_a4_plantar_heel_names_the_conaway_level_and_the_vessels() -> None:
    heel = protocol("foot-plantar-heel")
    assert "local decision" not in everything(heel)
    tibial = point("foot-plantar-heel", "tibial-nerve")
    assert "bifurcation of the gastrocnemius" in tibial.landmark
    assert "popliteal artery and vein" in said(tibial.cautions)
    adductor = point("foot-plantar-heel", "adductor-canal")
    text = said(adductor.cautions)
    assert "femoral artery and vein" in text and "doppler" in text and "aspirate" in text
    assert "medial calcaneal branches" in heel.notes and "Moroni 2019" in heel.notes


# --- Severity B: wrong safety-relevant data or instructions --------------------------------


def test_b1_lidocaine_ph_is_argued_for_the_catalogue_with_its_sources() -> None:
    line = finding_line("B1")
    assert "6.5 (5.0 to 7.0)" in line and "pH 5.0 to 7.0" in line
    assert "Frank" in line and "Can J Plast Surg 2012" in line
    assert "catalogue.toml" in line and "epinephrine" in line


def test_b2_achilles_limit_is_per_session_and_the_sheet_agrees_with_it() -> None:
    achilles = protocol("ankle-achilles")
    assert achilles.limits.per == "session"
    assert achilles.limits.max_volume_ml == 5 and achilles.limits.source == "yelland-2011"
    printed = sheet("ankle-achilles", side="bilateral")
    assert "per session, all sides together [yelland-2011]" in printed
    total = re.search(r"Total: \d+ points?, ([\d.]+) mL", printed)
    assert total is not None and float(total.group(1)) <= 5
    assert "both tendons together" in said(achilles.warnings.precautions)


def test_b3_post_surgical_templates_exclude_structural_and_infective_causes_first() -> None:
    knee = said(protocol("post-knee-replacement").indications)
    assert "infection" in knee and "loosening" in knee and "instability" in knee
    hip = said(protocol("post-hip-replacement").indications)
    assert "infection" in hip and "loosening" in hip
    back = protocol("post-back-surgery")
    assert "cauda equina" in said(back.indications) and "hardware" in said(back.indications)
    assert "stimulator" in said(back.warnings.precautions)
    assert "pump" in said(back.warnings.precautions)


def test_b4_achilles_points_are_never_intratendinous_and_name_the_sural_nerve() -> None:
    for _, each in protocol("ankle-achilles").points:
        assert "never into the tendon itself" in said(each.cautions)
    lateral = said(point("ankle-achilles", "anterolateral-margin").cautions)
    assert "sural nerve" in lateral and "small saphenous vein" in lateral


def test_b5_single_injection_protocol_prints_a_follow_up_not_a_next_session() -> None:
    carpal = protocol("hydrodissection-carpal-tunnel")
    assert (carpal.course.typical_sessions_min, carpal.course.typical_sessions_max) == (1, 1)
    assert carpal.course.interval_days is None
    printed = sheet("hydrodissection-carpal-tunnel")
    assert "Next session" not in printed and "1 sessions" not in printed
    assert "Follow-up: this is a single session" in printed and "1, 3 and 6 months" in printed
    assert "mild to moderate" in said(carpal.indications)
    assert "surgical opinion" in said(carpal.indications)
    assert "nerve conduction" in said(protocol("hydrodissection-ulnar-elbow").indications)


def test_b6_volar_wrist_point_names_the_radial_artery_and_the_lacn_is_included() -> None:
    wrist = protocol("wrist")
    assert "radial artery" in said(point("wrist", "volar-wrist-crease").cautions)
    radial = point("wrist", "radial-wrist")
    assert "cephalic vein" in said(radial.cautions) and "klitscher-2007" in sources(radial.cautions)
    assert "lateral-antebrachial-cutaneous" in {n.id for n in wrist.nerves}


def test_b7_lacn_point_names_the_cephalic_vein_from_its_own_source() -> None:
    lacn = point("elbow-lateral", "lateral-to-biceps-tendon")
    assert "78.7 %" in said(lacn.cautions) and "cephalic vein" in said(lacn.cautions)
    assert "wongkerdsook-2011" in sources(lacn.cautions)


def test_b8_palm_points_have_depth_and_volume_cautions_and_the_ulnar_branch_is_inconstant() -> None:
    for point_id in ("palm-central", "palm-ulnar"):
        palm = point("hand", point_id)
        assert palm.volume.max_ml <= 0.5
        assert "tethered" in said(palm.cautions) and "superficial palmar arch" in said(
            palm.cautions
        )
    assert "ulnar artery" in said(point("hand", "palm-ulnar").cautions)
    ulnar = next(n for n in protocol("hand").nerves if n.id == "palmar-cutaneous-ulnar")
    assert "inconstant" in ulnar.name.lower() and ulnar.source == "martin-1996"
    assert "4 of 25 hands" in ulnar.course
    assert "digital nerves are not included" in protocol("hand").notes


# --- Severity C: misattributed, false or unsupported claims --------------------------------


def test_c1_neck_notes_no_longer_say_kim_located_nerves_by_palpation() -> None:
    neck = protocol("neck")
    assert "Kim 2018 located" not in everything(neck)
    assert "3D digitizer" in neck.notes and "others locate these nerves" in neck.notes


@pytest.mark.parametrize("pid", ["hip", "post-hip-replacement"])
def test_c2_fascia_lata_figure_is_not_attributed_to_uzel(pid: str) -> None:
    lfcn = next(n for n in protocol(pid).nerves if n.id == "lateral-femoral-cutaneous")
    assert "Üzel 2011 did not measure it" in lfcn.course
    assert "about 10 cm below the inguinal ligament" in lfcn.course
    assert "(usabcd.org) places its passage through the fascia lata about 2 to 3 cm" in lfcn.course
    assert "usra-lfcn" in {r.id for r in protocol(pid).references}


def test_c3_no_course_attributes_a_session_count_to_lyftogt_2007() -> None:
    for pid, p in shipped().items():
        assert p.course.sessions_source != "lyftogt-2007", pid
    printed = sheet("knee")
    assert "3 to 5 sessions (practice-based default — confirm locally)" in printed
    assert "Next session in 7 days [lyftogt-2007]" in printed


def test_c4_knee_notes_name_every_published_knee_study() -> None:
    notes = protocol("knee").notes
    assert "only published" not in notes.lower()
    for study in ("Lyftogt 2007", "Fu 2024", "Rezasoltani 2017"):
        assert study in notes


def test_c5_infrapatellar_branch_is_a_recognised_not_a_common_source_of_pain() -> None:
    for pid, p in shipped().items():
        assert "common source" not in everything(p).lower(), pid
    post = protocol("post-knee-replacement")
    assert "recognised source" in post.nerves[0].course
    assert "Prior total knee arthroplasty" in said(post.warnings.trial_exclusions).capitalize()
    assert sources(post.warnings.trial_exclusions) == {"fu-2024"}


def test_c6_no_aftercare_line_rests_on_the_uw_pearl() -> None:
    for pid, p in shipped().items():
        assert "pearl" not in everything(p).lower(), pid
        assert all(item.source is not None for item in p.aftercare), pid


def test_c7_pregnancy_is_never_printed_as_a_contraindication() -> None:
    for pid, p in shipped().items():
        assert "pregnan" not in said(p.warnings.contraindications), pid
        elsewhere = said(p.warnings.trial_exclusions) + said(p.warnings.local_policy)
        assert "pregnan" in elsewhere, pid
    printed = sheet("knee")
    exclusions = printed.split("Trial exclusion criteria")[1].split("Local policy")[0]
    assert "Pregnancy. [fu-2024]" in exclusions
    assert "not proven contraindications" in exclusions


def test_c8_suprascapular_depth_keeps_only_the_cadaver_figure() -> None:
    shoulder = protocol("shoulder")
    assert "4 to 6 cm" not in everything(shoulder)
    assert "about 2.7 cm from skin to bone in cadavers, Hong 2005" in shoulder.notes
    hong = next(r for r in shoulder.references if r.id == "hong-2005")
    assert hong.unverified


def test_c9_palmar_cutaneous_figures_rest_on_a_cadaver_study_and_abrams_is_complete() -> None:
    wrist = protocol("wrist")
    text = everything(wrist)
    assert "45" not in re.findall(r"\b\d+\b", text) and "4.5 mm" not in text
    assert "wolfer-upper" not in {r.id for r in wrist.references}
    pcbmn = next(n for n in wrist.nerves if n.id == "palmar-cutaneous-median")
    matloub = next(r for r in wrist.references if r.id == pcbmn.source)
    assert matloub.doi and matloub.pmid
    abrams = next(r for r in wrist.references if r.id == "abrams-1992")
    assert "Abrams RA" in abrams.citation and "1992;17(6):1037-1041" in abrams.citation


def test_c10_plantar_heel_says_ultrasound_is_its_inference_and_cites_conaway_fully() -> None:
    heel = protocol("foot-plantar-heel")
    assert "abstract does not say the injections were ultrasound-guided" in heel.notes
    assert "does not say how the nerves were located" in said(heel.cautions)
    conaway = next(r for r in heel.references if r.id == "conaway-2020")
    assert "Conaway E, O'Donnell A, Pepe J, Pena M" in conaway.citation
    assert "2020;1(1):4-10" in conaway.citation and conaway.doi == "10.32778/SPVS.71366.2020.2"
    assert "Lyftogt perineural injection therapy" in heel.notes
    assert "inference" in finding_line("C10")


@pytest.mark.parametrize("pid", ["low-back", "post-back-surgery"])
def test_c11_siahaan_is_described_as_ultrasound_guided(pid: str) -> None:
    notes = protocol(pid).notes
    assert re.search(r"Siahaan 2021|4 (cases|patients)", notes)
    sentence = next(s for s in notes.split(". ") if "Siahaan" in s)
    assert "ultrasound" in sentence


def test_c12_pubmed_19790177_is_called_a_case_report() -> None:
    upper = protocol("upper-back")
    text = everything(upper)
    assert "single surgical case report, PubMed 19790177" in text
    assert not re.search(r"stud(y|ies)[^.]*19790177", text)


def test_c13_knee_anatomy_citations_are_complete_and_the_midline_sentence_sourced() -> None:
    for pid in ("knee", "knee-mannitol", "post-knee-replacement"):
        refs = {r.id: r for r in protocol(pid).references}
        assert "J Arthroplasty 2016;31(11):2499-2503" in refs["tanavalee-2016"].citation
        assert refs["james-2019"].doi == "10.5435/JAAOSGlobal-D-19-00160"
        assert refs["kerver-2013"].doi
    assert "Tanavalee" in finding_line("C13") and "James" in finding_line("C13")


def test_c14_neck_title_is_the_side_of_the_neck_and_the_back_of_the_neck_has_its_own() -> None:
    assert "back of the neck" not in protocol("neck").title.lower()
    assert "side of the neck" in protocol("neck").title
    posterior = protocol("neck-posterior")
    assert "C3 to C5 dorsal rami" in posterior.title
    assert "lazorthes-1986" in {n.source for n in posterior.nerves}


def test_c15_d50_caution_source_is_argued_for_the_catalogue() -> None:
    line = finding_line("C15")
    assert "Only for intravenous infusion" in line
    assert "subcutaneous" in line and "label" in line and "safety.py" in line


# --- The answers themselves ---------------------------------------------------------------


def test_every_finding_is_answered_once_in_the_library_doc() -> None:
    for finding in FINDINGS:
        line = finding_line(finding)
        assert line.count("|") >= 4, line


def test_practice_default_sources_are_never_mistaken_for_references() -> None:
    for pid, p in shipped().items():
        assert PRACTICE_DEFAULT not in {r.id for r in p.references}, pid
