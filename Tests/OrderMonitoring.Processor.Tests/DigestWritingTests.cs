using System.Security.Cryptography;
using System.Text;
using OrderMonitoring.Aws;
using OrderMonitoring.Processor.Audit;
using OrderMonitoring.Processor.Digests;
using OrderMonitoring.Processor.Tests.Fakes;

namespace OrderMonitoring.Processor.Tests;

/// <summary>What the processor's digests hold, how they chain, and what happens when writes or signing fail.</summary>
public sealed class DigestWritingTests : IDisposable
{
    private readonly DigestPipeline _pipeline = new();

    public void Dispose() => _pipeline.Dispose();

    [Fact]
    public async Task A_batch_writes_one_signed_digest_listing_every_object_with_the_hash_of_its_exact_bytes()
    {
        var insert = Events.Insert("ORD-1");
        var ship = Events.Modify("ORD-1", "PENDING", "SHIPPED");
        var broken = Events.Parse("""{"eventID":"e-broken","eventName":"UPSERT","eventSourceARN":"arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-01-01T00:00:00.000","dynamodb":{"SequenceNumber":"777"}}""");
        var failed = Events.Modify("ORD-2", "PENDING", "FAILED");

        var result = await _pipeline.RunAsync(insert, ship, broken, failed);

        Assert.Equal((3, 1, 0), (result.Audited, result.Quarantined, result.Failed));
        var (key, _, digest) = Assert.Single(_pipeline.Digests);
        Assert.Equal(AuditKey.ForDigest("20260301T120000Z-chain", 1, Harness.Now), key);
        Assert.Equal("digests/2026-03-01/20260301T120000Z-chain/000000000001.json", key);
        Assert.Equal(("20260301T120000Z-chain", 1L, "test", insert.EventSourceArn), (digest.Chain, digest.Position, digest.Environment, digest.StreamArn));
        Assert.Null(digest.Previous);
        var expected = new[] { insert, ship, broken, failed }.Select(r => r.Dynamodb!.SequenceNumber).ToList();
        Assert.Equal(expected, digest.Objects.Select(o => o.SequenceNumber).ToList());
        Assert.Equal(new[] { insert.EventId, ship.EventId, "e-broken", failed.EventId }, digest.Objects.Select(o => o.EventId).ToArray());
        Assert.Contains(digest.Objects, o => o.Key.StartsWith(AuditKey.QuarantinePrefix, StringComparison.Ordinal));
        foreach (var entry in digest.Objects)
        {
            Assert.Equal(Sha256Hex.Of(Encoding.UTF8.GetBytes(_pipeline.Store.Objects[entry.Key])), entry.Sha256);
        }

        Assert.Equal(1, _pipeline.Signer.Calls);
        Assert.Equal(DigestSignatureCheck.Valid, _pipeline.Verifier.CheckSignature(digest));
        Assert.Single(_pipeline.Publisher.Published);
    }

    [Fact]
    public async Task KMS_is_asked_once_per_batch_whatever_the_number_of_records()
    {
        var records = Enumerable.Range(0, 60).Select(i => Events.Insert($"ORD-{i}")).ToArray();

        await _pipeline.RunAsync(records);

        Assert.Equal(1, _pipeline.Signer.Calls);
        Assert.Equal(60, Assert.Single(_pipeline.Digests).Digest.Objects.Count);
    }

    [Fact]
    public async Task Each_digest_names_the_previous_one_by_key_and_the_hash_of_its_stored_bytes()
    {
        await _pipeline.RunAsync(Events.Insert("ORD-1"));
        await _pipeline.RunAsync(Events.Insert("ORD-2"));
        await _pipeline.RunAsync(Events.Insert("ORD-3"));

        var digests = _pipeline.Digests;
        Assert.Equal([1L, 2L, 3L], digests.Select(d => d.Digest.Position).ToArray());
        Assert.True(DigestVerifier.FollowsFrom(digests[0].Digest, null, null));
        for (var i = 1; i < digests.Count; i++)
        {
            Assert.Equal(new DigestLink(digests[i - 1].Key, Sha256Hex.Of(Encoding.UTF8.GetBytes(digests[i - 1].Json))), digests[i].Digest.Previous);
            Assert.True(DigestVerifier.FollowsFrom(digests[i].Digest, digests[i - 1].Key, Encoding.UTF8.GetBytes(digests[i - 1].Json)));
            Assert.Equal(DigestSignatureCheck.Valid, _pipeline.Verifier.CheckSignature(digests[i].Digest));
        }
    }

    [Fact]
    public async Task A_changed_or_missing_digest_breaks_the_chain_and_a_changed_list_breaks_the_signature()
    {
        await _pipeline.RunAsync(Events.Insert("ORD-1"));
        await _pipeline.RunAsync(Events.Insert("ORD-2"));
        await _pipeline.RunAsync(Events.Insert("ORD-3"));
        var digests = _pipeline.Digests;

        // An edit that keeps the JSON valid (an object's hash replaced) changes the stored bytes the next digest hashed.
        var first = digests[0].Digest;
        var edited = first with { Objects = [first.Objects[0] with { Sha256 = new string('0', 64) }] };
        Assert.False(DigestVerifier.FollowsFrom(digests[1].Digest, digests[0].Key, edited.ToBytes()));
        Assert.Equal(DigestSignatureCheck.Invalid, _pipeline.Verifier.CheckSignature(edited));

        // Digest 2 deleted: digest 3 names a key that the chain's remaining digests do not have.
        Assert.False(DigestVerifier.FollowsFrom(digests[2].Digest, digests[0].Key, Encoding.UTF8.GetBytes(digests[0].Json)));

        // Cutting the chain (digest 3 edited to claim it starts one) breaks its signature.
        Assert.Equal(DigestSignatureCheck.Invalid, _pipeline.Verifier.CheckSignature(digests[2].Digest with { Previous = null }));
    }

    [Fact]
    public async Task When_some_writes_fail_the_digest_lists_only_what_was_written_signed_again()
    {
        var written = Events.Insert("ORD-ok");
        var notWritten = Events.Insert("ORD-bad");
        var heldBack = Events.Modify("ORD-bad", "PENDING", "SHIPPED");
        _pipeline.Store.FailWhen = key => key.StartsWith(AuditKey.OrderPrefix("ORD-bad"), StringComparison.Ordinal);

        var result = await _pipeline.RunAsync(written, notWritten, heldBack);

        Assert.Equal([notWritten.Dynamodb!.SequenceNumber!, heldBack.Dynamodb!.SequenceNumber!], result.BatchItemFailures.Select(f => f.ItemIdentifier).ToArray());
        var digest = Assert.Single(_pipeline.Digests).Digest;
        Assert.Equal([AuditKey.ForRecord("ORD-ok", written.Dynamodb!.SequenceNumber!)], digest.Objects.Select(o => o.Key).ToArray());
        // The planned digest (three objects) was signed while the writes ran; the subset needed one more Sign.
        Assert.Equal(2, _pipeline.Signer.Calls);
        Assert.Equal(DigestSignatureCheck.Valid, _pipeline.Verifier.CheckSignature(digest));
    }

    [Fact]
    public async Task An_object_written_before_its_alert_failed_is_in_the_digest_and_its_retry_in_the_next()
    {
        var failed = Events.Modify("ORD-9", "PENDING", "FAILED");
        _pipeline.Publisher.FailWhen = _ => true;
        var first = await _pipeline.RunAsync(failed);
        _pipeline.Publisher.FailWhen = _ => false;
        await _pipeline.RunAsync(failed);

        Assert.Equal(1, first.Failed);
        var digests = _pipeline.Digests;
        Assert.Equal(2, digests.Count);
        var key = AuditKey.ForRecord("ORD-9", failed.Dynamodb!.SequenceNumber!);
        Assert.All(digests, d => Assert.Equal(key, Assert.Single(d.Digest.Objects).Key));
        Assert.Equal(Sha256Hex.Of(Encoding.UTF8.GetBytes(_pipeline.Store.Objects[key])), digests[1].Digest.Objects[0].Sha256);
    }

    [Fact]
    public async Task A_batch_that_wrote_nothing_writes_no_digest_and_the_chain_goes_on_from_the_last_one()
    {
        await _pipeline.RunAsync(Events.Insert("ORD-1"));
        _pipeline.Store.FailWhen = key => !key.StartsWith(AuditKey.DigestsPrefix, StringComparison.Ordinal);
        var nothing = await _pipeline.RunAsync(Events.Insert("ORD-2"));
        _pipeline.Store.FailWhen = _ => false;
        await _pipeline.RunAsync(Events.Insert("ORD-3"));

        Assert.Equal(1, nothing.Failed);
        var digests = _pipeline.Digests;
        Assert.Equal([1L, 3L], digests.Select(d => d.Digest.Position).ToArray());
        Assert.True(DigestVerifier.FollowsFrom(digests[1].Digest, digests[0].Key, Encoding.UTF8.GetBytes(digests[0].Json)));
    }

    [Fact]
    public async Task When_the_digest_cannot_be_written_every_written_record_is_reported_for_retry()
    {
        _pipeline.Store.FailWhen = key => key.StartsWith(AuditKey.DigestsPrefix, StringComparison.Ordinal);
        var records = new[] { Events.Insert("ORD-1"), Events.Insert("ORD-2") };

        var result = await _pipeline.RunAsync(records);

        Assert.Equal((0, 2), (result.Audited, result.Failed));
        Assert.Equal(records.Select(r => r.Dynamodb!.SequenceNumber).ToArray(), result.BatchItemFailures.Select(f => f.ItemIdentifier).ToArray());
        Assert.Empty(_pipeline.Digests);
        Assert.Contains(_pipeline.Lines, line => line.Contains("Digest not written", StringComparison.Ordinal));

        _pipeline.Store.FailWhen = _ => false;
        await _pipeline.RunAsync(records);
        // The chain never names the digest that was not written.
        Assert.Null(Assert.Single(_pipeline.Digests).Digest.Previous);
    }

    [Fact]
    public async Task Signing_failures_never_stop_auditing_the_digest_is_unsigned_and_the_next_signed_digest_seals_it()
    {
        _pipeline.Signer.FailWhen = call => call == 1;
        var failedOrder = Events.Modify("ORD-1", "PENDING", "FAILED");

        var first = await _pipeline.RunAsync(failedOrder);
        await _pipeline.RunAsync(Events.Insert("ORD-2"));

        Assert.Equal((1, 0, 1), (first.Audited, first.Failed, _pipeline.Publisher.Published.Count));
        var digests = _pipeline.Digests;
        var unsigned = digests[0].Digest;
        Assert.Null(unsigned.Signature);
        Assert.Contains("KMSInvalidStateException", unsigned.Unsigned, StringComparison.Ordinal);
        Assert.Equal(DigestSignatureCheck.Unsigned, _pipeline.Verifier.CheckSignature(unsigned));
        Assert.Contains(_pipeline.Lines, line => line.Contains("Digest written unsigned", StringComparison.Ordinal) && line.Contains(digests[0].Key, StringComparison.Ordinal));

        // The seal: the signed digest's signature covers the unsigned one's exact bytes through its link.
        var sealing = digests[1].Digest;
        Assert.Equal(DigestSignatureCheck.Valid, _pipeline.Verifier.CheckSignature(sealing));
        Assert.True(DigestVerifier.FollowsFrom(sealing, digests[0].Key, Encoding.UTF8.GetBytes(digests[0].Json)));
    }

    [Fact]
    public async Task Without_a_signing_key_digests_are_still_written_unsigned_with_a_warning()
    {
        using var pipeline = new DigestPipeline(withSigner: false);

        var result = await pipeline.RunAsync(Events.Insert("ORD-1"));

        Assert.Equal(1, result.Audited);
        var digest = Assert.Single(pipeline.Digests).Digest;
        Assert.Equal("no digest signing key is configured", digest.Unsigned);
        Assert.Contains(pipeline.Lines, line => line.Contains("\"level\":\"WARN\"", StringComparison.OrdinalIgnoreCase) && line.Contains("no digest signing key", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_signed_message_is_short_whatever_the_batch_size_and_names_the_canonical_bytes_hash()
    {
        var records = Enumerable.Range(0, 200).Select(i => Events.Insert($"ORD-{i}")).ToArray();

        await _pipeline.RunAsync(records);

        var digest = Assert.Single(_pipeline.Digests).Digest;
        var message = Assert.Single(_pipeline.Signer.Messages);
        Assert.True(digest.CanonicalBytes().Length > 4096);
        Assert.True(message.Length < 4096, "KMS Sign takes at most 4,096 bytes of RAW message.");
        Assert.Equal("order-monitoring-digest-v1:" + Sha256Hex.Of(digest.CanonicalBytes()), Encoding.UTF8.GetString(message));
    }

    [Fact]
    public async Task The_signature_verifies_with_the_framework_alone_given_the_public_key_and_the_canonical_bytes()
    {
        await _pipeline.RunAsync(Events.Insert("ORD-1"));
        var digest = Assert.Single(_pipeline.Digests).Digest;

        using var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(_pipeline.Signer.PublicKey, out _);
        var statement = Encoding.UTF8.GetBytes("order-monitoring-digest-v1:" + Convert.ToHexString(SHA256.HashData(digest.CanonicalBytes())).ToLowerInvariant());
        Assert.True(key.VerifyData(statement, Convert.FromBase64String(digest.Signature!.Value), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        Assert.Equal((_pipeline.Signer.KeyId, "ECDSA_SHA_256"), (digest.Signature.KeyId, digest.Signature.Algorithm));
    }
}
