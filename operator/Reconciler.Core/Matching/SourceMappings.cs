using Reconciler.Core.Directory;
using Reconciler.Core.Resources;

namespace Reconciler.Core.Matching;

/// <summary>
/// The mappings of one source in winning order (priority, then name) with their filters compiled.
/// Finding a user's winner touches only the mappings whose group clause the user can satisfy:
/// a group → mappings index narrows 50 mappings to the one or two that matter.
/// </summary>
public sealed class SourceMappings
{
    private readonly CompiledMapping[] _ordered;
    private readonly Dictionary<string, ulong>? _byGroup;
    private readonly ulong _withoutGroups;
    private readonly Dictionary<string, CompiledMapping> _byName;

    public SourceMappings(IEnumerable<CompiledMapping> mappings)
    {
        _ordered = mappings
            .OrderBy(m => m.Mapping.Spec.Priority)
            .ThenBy(m => m.Mapping.Name, StringComparer.Ordinal)
            .ToArray();
        _byName = _ordered.ToDictionary(m => m.Name, StringComparer.Ordinal);
        if (_ordered.Length > 64) return;
        _byGroup = new Dictionary<string, ulong>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < _ordered.Length; i++)
        {
            var bit = 1UL << i;
            var groups = _ordered[i].Filter.Groups;
            if (groups.Count == 0)
            {
                _withoutGroups |= bit;
                continue;
            }
            foreach (var group in groups)
            {
                _byGroup[group] = _byGroup.GetValueOrDefault(group) | bit;
            }
        }
    }

    /// <summary>
    /// The mappings of one declared source (those of its namespace whose sourceRef names it), compiled against the
    /// quota policies of that namespace.
    /// </summary>
    public static SourceMappings For(DesiredState desired, DirectorySource source)
    {
        var policies = desired.QuotaPolicies.Where(p => p.Namespace == source.Namespace).ToList();
        return new(desired.Mappings
            .Where(m => m.Namespace == source.Namespace && m.Spec.SourceRef.Name == source.Name)
            .Select(m => CompiledMapping.Compile(m, policies)));
    }

    /// <summary>Mappings in the order they are tried: lower priority number first, ties by name.</summary>
    public IReadOnlyList<CompiledMapping> Ordered => _ordered;

    /// <summary>The mapping of this source with that name, or null when the configuration no longer has it.</summary>
    public CompiledMapping? Named(string name) => _byName.GetValueOrDefault(name);

    /// <summary>
    /// The highest-priority mapping whose filter matches the user, or null. Throws <see cref="FilterTimeoutException"/>
    /// naming the mapping when a mapping tried before the winner cannot decide: who wins is then unknown.
    /// </summary>
    public CompiledMapping? Winner(ImportedUser user)
    {
        CompiledMapping? trying = null;
        try
        {
            return FindWinner(user, ref trying);
        }
        catch (FilterTimeoutException e) when (trying is not null && e.Mapping.Length == 0)
        {
            throw e.For(trying.Name);
        }
    }

    private CompiledMapping? FindWinner(ImportedUser user, ref CompiledMapping? trying)
    {
        if (_byGroup is null)
        {
            foreach (var mapping in _ordered)
            {
                trying = mapping;
                if (mapping.Filter.Matches(user)) return mapping;
            }
            return null;
        }
        var candidates = _withoutGroups;
        if (_byGroup.Count > 0)
        {
            // Indexed: a foreach over the interface would make an enumerator per user.
            var groups = user.Groups;
            for (var i = 0; i < groups.Count; i++)
            {
                if (_byGroup.TryGetValue(groups[i], out var bits)) candidates |= bits;
            }
        }
        while (candidates != 0)
        {
            var index = System.Numerics.BitOperations.TrailingZeroCount(candidates);
            trying = _ordered[index];
            if (trying.Filter.MatchesBeyondGroups(user)) return trying;
            candidates &= candidates - 1;
        }
        return null;
    }
}

/// <summary>A mapping with its filter compiled and its quota resolved to bytes.</summary>
public sealed record CompiledMapping(ProvisioningMapping Mapping, UserFilterMatcher Filter, long QuotaBytes, string? QuotaPolicy)
{
    public string Name => Mapping.Name;
    public ProvisioningMappingSpec Spec => Mapping.Spec;

    /// <summary>Why a user this mapping wins is created, made once for all of them.</summary>
    public string CreateReason { get; } = $"matches mapping {Mapping.Name} (priority {Mapping.Spec.Priority})";

    /// <summary>Compiles a mapping against the quota policies it may reference. Unresolvable quotas mean unlimited;
    /// validation reports them before a plan is ever made.</summary>
    public static CompiledMapping Compile(ProvisioningMapping mapping, IReadOnlyList<StorageQuotaPolicy> policies)
    {
        long bytes = 0;
        string? policyName = null;
        if (mapping.Spec.QuotaPolicyRef is { } reference)
        {
            var policy = policies.FirstOrDefault(p => p.Name == reference.Name);
            policyName = reference.Name;
            if (policy is not null) Quantity.TryParse(policy.Spec.Quota, out bytes, out _);
        }
        else if (mapping.Spec.Quota is { } inline)
        {
            Quantity.TryParse(inline, out bytes, out _);
        }
        return new CompiledMapping(mapping, new UserFilterMatcher(mapping.Spec.Filter), bytes, policyName);
    }
}
