using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Reconciler.Connectors.Scim;
using Reconciler.Core.Resources;

namespace Reconciler.Http.Scim;

/// <summary>
/// Who a request is: the Scim source whose bearer token it carries (its hash compared in constant time, refused once
/// expired or replaced by a newer one, within <see cref="TokenCacheFor"/>), held to that token's rate (429 with Retry-After past it). The token is never
/// echoed, logged or put in a message.
/// </summary>
internal sealed class ScimAccess(ScimOptions options)
{
    private readonly ConcurrentDictionary<string, TokenBucketRateLimiter> _limiters = new(StringComparer.Ordinal);

    public async Task<DirectorySource> AuthenticateAsync(HttpContext context, CancellationToken ct)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (header.Length == 0) throw Unauthorized("the request has no Authorization header: send 'Authorization: Bearer TOKEN'");
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) throw Unauthorized("the Authorization header is not a Bearer token");
        var token = header[7..].Trim();
        var name = ScimBearerToken.SourceOf(token) ?? throw Unauthorized("the bearer token is not one this service issued");
        var stored = await StoredTokenAsync(name, ct);
        if (stored is null || !ScimBearerToken.Matches(token, stored.Hash))
        {
            throw Unauthorized("the bearer token is not valid (it was replaced by a newer one, or never issued)");
        }
        if (options.Clock.GetUtcNow() >= stored.ExpiresAt)
        {
            throw Unauthorized($"the bearer token expired at {stored.ExpiresAt.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}: create a new one with 'reconciler scim token create'");
        }
        if (options.Source(name) is not { Spec.Type: DirectorySourceType.Scim } source)
        {
            throw Unauthorized("the bearer token belongs to a source that is not declared as a valid Scim source (removed, retyped, or its resource has errors: see 'reconciler status')");
        }
        if (source.Spec.Suspend) throw new ScimException(503, null, $"source {name} is suspended: its writes are refused until it is resumed");
        Limit(name);
        return source;
    }

    /// <summary>How long a token read from the store is trusted: a new token made by the CLI takes over within this.</summary>
    public static readonly TimeSpan TokenCacheFor = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<string, (Store.Contract.ScimToken? Token, long ReadAt)> _tokens = new(StringComparer.Ordinal);

    /// <summary>The source's stored token, read again from the store at most every <see cref="TokenCacheFor"/>.</summary>
    private async Task<Store.Contract.ScimToken?> StoredTokenAsync(string source, CancellationToken ct)
    {
        var now = options.Clock.GetTimestamp();
        if (_tokens.TryGetValue(source, out var cached) && options.Clock.GetElapsedTime(cached.ReadAt, now) < TokenCacheFor) return cached.Token;
        var token = await options.Store.FindTokenAsync(source, ct);
        // Only sources that exist are remembered, so made-up names cannot grow the cache.
        if (token is not null || _tokens.ContainsKey(source)) _tokens[source] = (token, now);
        return token;
    }

    /// <summary>Takes one request from the token's bucket, or refuses with 429 and when to come back.</summary>
    private void Limit(string source)
    {
        var limiter = _limiters.GetOrAdd(source, _ => new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = options.Burst,
            // A tenth of the rate every 100 ms, so the bucket refills smoothly; a rate under 10 a second, once a second.
            TokensPerPeriod = options.RequestsPerSecond >= 10 ? options.RequestsPerSecond / 10 : Math.Max(1, options.RequestsPerSecond),
            ReplenishmentPeriod = options.RequestsPerSecond >= 10 ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
        using var lease = limiter.AttemptAcquire();
        if (lease.IsAcquired) return;
        var after = lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? retry : TimeSpan.FromSeconds(1);
        throw new ScimThrottledException(after);
    }

    private static ScimException Unauthorized(string detail) => new(401, null, detail);
}

/// <summary>Too many requests for the token: 429, to retry after <see cref="RetryAfter"/>.</summary>
internal sealed class ScimThrottledException(TimeSpan retryAfter) : Exception("too many requests for this token")
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}
