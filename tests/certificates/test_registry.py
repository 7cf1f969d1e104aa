"""The registry's services: filters, and a holder's certificates with their reminders."""

from datetime import timedelta

from lms.certificates import services as certificates
from lms.certificates.models import CertificateStatus, RevocationReason
from lms.extensions import db

from .. import clock

NOW = clock.now()
BASE = "https://lms.example.gov.kh"


def test_a_holders_certificates_say_when_they_expire_soon(graduates, folder):
    certificate, _ = certificates.issue(None, graduates[0], NOW, folder, BASE)
    holder, today = certificate.holder_id, NOW.date()

    def expires_in():
        (held,) = certificates.holder_certificates(holder, today)
        return held.status, held.expires_in

    assert expires_in() == (CertificateStatus.VALID, None)  # two years left
    certificate.expires_on = today + timedelta(days=certificates.EXPIRING_DAYS)
    assert expires_in() == (CertificateStatus.VALID, certificates.EXPIRING_DAYS)
    certificate.expires_on = today
    assert expires_in() == (CertificateStatus.VALID, 0)
    certificate.expires_on = today - timedelta(days=1)
    assert expires_in() == (CertificateStatus.EXPIRED, None)
    certificate.expires_on = today + timedelta(days=30)
    certificates.revoke(None, certificate, RevocationReason.ISSUED_IN_ERROR, None, NOW)
    assert expires_in() == (CertificateStatus.REVOKED, None)


def test_registry_filters_combine(graduates, folder):
    keo, chan, _nobody = graduates
    first, _ = certificates.issue(None, keo, NOW, folder, BASE)
    second, _ = certificates.issue(None, chan, NOW, folder, BASE)
    certificates.revoke(None, second, RevocationReason.ISSUED_IN_ERROR, None, NOW)
    db.session.commit()
    today = NOW.date()

    def found(**filters):
        query = certificates.registry_query(certificates.RegistryFilters(**filters), today)
        return [c.serial for c in db.session.scalars(query)]

    assert found() == [second.serial, first.serial]  # newest first
    assert found(status="valid") == [first.serial]
    assert found(status="revoked") == [second.serial]
    assert found(q="chan") == [second.serial]
    assert found(q=first.serial.lower(), status="revoked") == []
    assert found(curriculum="tst-cur", expiring=True) == []
    assert found(province=10**20) == [] and found(province=-1) == []
    page = certificates.registry_page(certificates.RegistryFilters(q="keo"), today, 1)
    assert [c.serial for c in page.page.items] == [first.serial]
    assert sum(page.by_sex.values()) == 1 and page.expiring == 0
