"""Display shape for the documents page: one section per kind of document, in the SIB
pre-read order, the newest of each pre-read kind marked current and older ones as earlier
versions (still readable: a board may compare plans)."""

from __future__ import annotations

from dataclasses import dataclass, field

from improvement.documents.models import DocumentKind, SchoolDocument

PRE_READ_KINDS = (DocumentKind.SELF_EVALUATION, DocumentKind.IMPROVEMENT_PLAN, DocumentKind.POSITION_STATEMENT)


@dataclass
class DocumentRow:
    document: SchoolDocument
    is_current: bool
    can_withdraw: bool


@dataclass
class DocumentSection:
    kind: str
    label: str
    rows: list[DocumentRow] = field(default_factory=list)


def document_sections(documents: list[SchoolDocument], *, user) -> list[DocumentSection]:
    """`documents` newest first (as school_documents returns them)."""
    sections = {kind: DocumentSection(kind=kind.value, label=kind.label) for kind in DocumentKind}
    for document in documents:
        section = sections[DocumentKind(document.kind)]
        section.rows.append(DocumentRow(
            document=document,
            is_current=not section.rows and document.kind in PRE_READ_KINDS,
            can_withdraw=user.has_perm("documents.withdraw_document", document),
        ))
    return [s for kind, s in sections.items() if s.rows or kind in PRE_READ_KINDS]
