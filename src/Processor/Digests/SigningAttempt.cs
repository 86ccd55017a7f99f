using OrderMonitoring.Processor.Batch;

namespace OrderMonitoring.Processor.Digests;

/// <summary>A signature, or the reason there is none: what a signed document (digest, seal) carries.</summary>
internal readonly record struct SignatureOrReason(DigestSignature? Signature, string? Unsigned);

/// <summary>
/// One bounded attempt to sign a document's message with the digest key, shared by digests and seals: signing never
/// stops what it signs, so a missing key, a throttled or unreachable KMS or a disabled key become a reason, not an error.
/// </summary>
internal static class SigningAttempt
{
    /// <param name="signer">The key; null gives <paramref name="noSignerReason"/>.</param>
    /// <param name="noSignerReason">Why there is no signer (e.g. no key configured).</param>
    /// <param name="message">The document's signing message.</param>
    /// <param name="timeout">One attempt's bound: a slow KMS makes an unsigned document, not a late one.</param>
    /// <param name="cancellationToken">Only this token's cancellation is thrown.</param>
    public static async Task<SignatureOrReason> SignAsync(IDigestSigner? signer, string noSignerReason, byte[] message, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        if (signer is null)
        {
            return new SignatureOrReason(null, noSignerReason);
        }

        try
        {
            byte[]? signature = null;
            await BoundedCall.RunAsync(async ct => signature = await signer.SignAsync(message, ct).ConfigureAwait(false), timeout, cancellationToken).ConfigureAwait(false);
            return new SignatureOrReason(new DigestSignature(signer.KeyId, DigestDocument.SigningAlgorithm, Convert.ToBase64String(signature!)), null);
        }
        catch (Exception error) when (!(error is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            return new SignatureOrReason(null, $"signing with {signer.KeyId} failed: {error.GetType().Name}: {error.Message}");
        }
    }
}
