namespace OrderMonitoring.Aws.Protocol;

/// <summary>
/// Removes the values that must never reach a message (secret key, session token, signature) from text a server
/// sent back; some proxies and mocks echo request headers into their error pages.
/// </summary>
internal static class SecretScrubber
{
    private const string Mask = "***";

    public static string Scrub(string text, IEnumerable<string?> secrets)
    {
        foreach (var secret in secrets)
        {
            // Very short values would mask ordinary words; real secrets are long.
            if (!string.IsNullOrEmpty(secret) && secret!.Length >= 8 && text.IndexOf(secret, StringComparison.Ordinal) >= 0)
            {
                text = text.Replace(secret, Mask);
            }
        }

        return text;
    }
}
