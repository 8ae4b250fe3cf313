"""The ODS reports in a file, whatever form it comes in: one CSV report, a zip of them (as the
export service sends several), or NHS Digital's ePCN workbook (ePCN.xlsx, alone or in ePCN.zip).
CSV reports are read by `ods_files`, the workbook by `ods_workbook` (which builds on `ods_files`);
this module, above both, only says which file is which."""

import io
import zipfile

from organisations import ods_files
from organisations.ods_workbook import read_epcn_workbook


def read_reports(data: bytes, name: str):
    """The reports in a file: one CSV, or each CSV member of a zip (as the export service sends)."""
    if len(data) > ods_files.MAX_BYTES:
        raise ods_files.OdsFileError(
            f"{name} is larger than {ods_files.MAX_BYTES // 1024 // 1024} MB, the largest the hub takes."
        )
    if data[:4] != b"PK\x03\x04":
        return [ods_files.read_report(data, name)]
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise ods_files.OdsFileError(f"{name} is not a zip file the hub can open.") from error
    with archive:
        if ods_files.WORKBOOK_PART in archive.namelist():
            return read_epcn_workbook(data, name)  # a workbook (.xlsx is a zip too): the ePCN workbook
        # The export service's zips hold CSV reports; NHS Digital's ePCN.zip holds ePCN.xlsx.
        members = [m for m in archive.infolist() if m.filename.lower().endswith((".csv", ".xlsx"))]
        if not members:
            raise ods_files.OdsFileError(f"{name} holds no CSV report or ePCN workbook.")
        if sum(m.file_size for m in members) > ods_files.MAX_MEMBER_BYTES:
            raise ods_files.OdsFileError(
                f"{name} unpacks to more than {ods_files.MAX_MEMBER_BYTES // 1024 // 1024} MB."
            )
        reports = []
        for member in members:
            if member.filename.lower().endswith(".xlsx"):
                reports += read_epcn_workbook(archive.read(member), member.filename)
            else:
                reports.append(ods_files.read_report(archive.read(member), member.filename))
        return reports
