using System.Globalization;
using System.Text.Json.Nodes;

namespace Reconciler.Connectors.Scim;

/// <summary>
/// PATCH (RFC 7644 §3.5.2) as a pure function: the resource and the request body in, the changed resource out.
/// The operations run in order on a copy, so a failing operation leaves the caller's resource exactly as it was
/// (all or nothing). Besides the RFC's shapes it takes what identity providers really send:
/// <list type="bullet">
/// <item>ops in any case ("Add", "Replace", "Remove": Microsoft Entra ID);</item>
/// <item>booleans as the strings "True"/"False", converted by the schema (Entra without aadOptscim062020);</item>
/// <item>a path-less add/replace whose value has dotted keys (<c>name.givenName</c>) and URN-prefixed keys
/// (<c>urn:…:enterprise:2.0:User:department</c>), or read-only attributes at their current value (Okta sends the
/// Group's <c>id</c>); keys naming no attribute of the resource type are ignored, so one unmapped attribute does
/// not hold back the rest of an IdP's update;</item>
/// <item><c>{"op":"Remove","path":"members","value":[{"value":"id"}]}</c>, removing only those members
/// (Entra), and a manager given as a plain id or as <c>{"value": id}</c>;</item>
/// <item>add or replace through a value filter that matches nothing, such as <c>emails[type eq "work"].value</c> on
/// a user without a work email: a value with the filter's eq sub-attributes is created (what Entra expects).</item>
/// <item>add or replace with a null value unassigns the attribute (RFC 7643 §2.5); removing a member that is not
/// there by a value list changes nothing, while a value filter that matches nothing is 400 noTarget.</item>
/// </list>
/// Errors name the operation: <c>Operations[2] (replace id): id is readOnly</c>.
/// Limits: at most <see cref="MaxOperations"/> operations per request, refused with 400 invalidSyntax (tooMany is
/// for filters that would return too many results).
/// </summary>
public static class ScimPatch
{
    public const int MaxOperations = 1000;

    /// <summary>Applies the PatchOp <paramref name="body"/> to a copy of <paramref name="resource"/>; throws <see cref="ScimException"/>.</summary>
    public static JsonObject Apply(JsonObject resource, JsonNode body, ScimResourceType type)
    {
        var operations = Read(body);
        var result = (JsonObject)resource.DeepClone();
        foreach (var operation in operations)
        {
            try
            {
                Apply(result, operation, type);
            }
            catch (ScimException problem)
            {
                throw new ScimException(problem.Status, problem.ScimType, $"Operations[{operation.Index}] ({operation.Describe()}): {problem.Detail}");
            }
        }
        return result;
    }

    private static void Apply(JsonObject resource, PatchOperation operation, ScimResourceType type)
    {
        if (operation.Path is null)
        {
            if (operation.Op == PatchOp.Remove) throw ScimException.NoTarget("remove needs a path");
            if (operation.Value is not JsonObject members)
            {
                throw ScimException.InvalidSyntax($"without a path, the value must be an object of attributes, not {ScimValues.Describe(operation.Value)}");
            }
            ApplyMembers(resource, operation.Op, members, null, type);
            return;
        }
        var target = Resolve(operation.Path, type);
        var write = new ScimPatchTarget(resource, target, type);
        if (operation.Op == PatchOp.Remove) write.Remove(operation.Value);
        else if (operation.Value is null) write.Remove(null, unassign: true);
        else write.Write(operation.Value, operation.Op == PatchOp.Replace);
    }

    /// <summary>
    /// A path-less add or replace: each member names an attribute (<c>active</c>, <c>name.givenName</c>,
    /// <c>urn:…:User:department</c>) or is an extension's object of attributes. A member naming no attribute is refused
    /// (invalidPath), except one of an extension schema this service provider does not support, which is left out.
    /// </summary>
    private static void ApplyMembers(JsonObject resource, PatchOp op, JsonObject members, ScimSchema? extension, ScimResourceType type)
    {
        foreach (var (key, value) in members)
        {
            if (extension is null)
            {
                if (key.Equals("schemas", StringComparison.OrdinalIgnoreCase)) continue;
                var core = key.Equals(type.Schema.Id, StringComparison.OrdinalIgnoreCase);
                if (core || type.Extension(key) is not null)
                {
                    if (value is not JsonObject inner) throw ScimException.InvalidValue($"{key} must be an object of attributes, not {ScimValues.Describe(value)}");
                    ApplyMembers(resource, op, inner, core ? null : type.Extension(key), type);
                    continue;
                }
            }
            if (!AttributePath.TryParse(key, out var path) || type.Locate(extension is null ? path : path with { Schema = extension.Id }) is not { } location)
            {
                // An extension this service provider does not know (Entra's own, say) is left out; a plain name it
                // does not know is a mistake the client should hear of.
                if (extension is null && key.StartsWith("urn:", StringComparison.OrdinalIgnoreCase)) continue;
                throw ScimException.InvalidPath($"'{key}' is not an attribute of {type.Name} resources");
            }
            var target = new Target(location, null, location.Sub, key);
            var write = new ScimPatchTarget(resource, target, type);
            if (value is null) write.Remove(null, unassign: true);
            else write.Write(value, op == PatchOp.Replace);
        }
    }

    private static Target Resolve(ScimPath path, ScimResourceType type)
    {
        var shown = path.ToString();
        var location = type.Locate(path.Attribute)
            ?? throw ScimException.InvalidPath($"'{shown}' is not an attribute of {type.Name} resources");
        if (path.Filter is null) return new Target(location, null, location.Sub, shown);
        if (location.Attribute.Type != ScimType.Complex || !location.Attribute.MultiValued)
        {
            throw ScimException.InvalidPath($"'{path.Attribute}' is not a multi-valued complex attribute: it takes no value filter");
        }
        if (ScimFilterValidator.ValidateValueFilter(path.Filter, type, location.Attribute) is { } problem)
        {
            throw ScimException.InvalidFilter(problem);
        }
        ScimAttribute? sub = null;
        if (path.SubAttribute is not null)
        {
            sub = location.Attribute.SubAttribute(path.SubAttribute)
                ?? throw ScimException.InvalidPath($"'{path.SubAttribute}' is not a sub-attribute of {location.Attribute.Name}");
        }
        return new Target(location, path.Filter, sub, shown);
    }

    private static List<PatchOperation> Read(JsonNode body)
    {
        if (body is not JsonObject request) throw ScimException.InvalidSyntax($"the PATCH body must be a JSON object, not {ScimValues.Describe(body)}");
        if (ScimJson.Get(request, "schemas") is not JsonArray schemas
            || !schemas.Any(s => string.Equals(ScimJson.AsString(s), ScimSchemas.PatchOpUrn, StringComparison.OrdinalIgnoreCase)))
        {
            throw ScimException.InvalidSyntax($"the PATCH body's schemas must be [\"{ScimSchemas.PatchOpUrn}\"]");
        }
        if (ScimJson.Get(request, "Operations") is not JsonArray { Count: > 0 } items)
        {
            throw ScimException.InvalidSyntax("the PATCH body has no Operations: it needs an array of at least one operation");
        }
        if (items.Count > MaxOperations)
        {
            throw ScimException.InvalidSyntax(string.Create(CultureInfo.InvariantCulture,
                $"the PATCH body has {items.Count:N0} operations; at most {MaxOperations:N0} are allowed per request"));
        }
        var operations = new List<PatchOperation>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is not JsonObject item) throw ScimException.InvalidSyntax($"Operations[{i}] must be an object, not {ScimValues.Describe(items[i])}");
            var op = ScimJson.AsString(ScimJson.Get(item, "op")) switch
            {
                var o when "add".Equals(o, StringComparison.OrdinalIgnoreCase) => PatchOp.Add,
                var o when "replace".Equals(o, StringComparison.OrdinalIgnoreCase) => PatchOp.Replace,
                var o when "remove".Equals(o, StringComparison.OrdinalIgnoreCase) => PatchOp.Remove,
                _ => throw ScimException.InvalidSyntax($"Operations[{i}].op must be \"add\", \"replace\" or \"remove\", not {ScimValues.Describe(ScimJson.Get(item, "op"))}"),
            };
            var pathNode = ScimJson.Get(item, "path");
            if (pathNode is not null && ScimJson.AsString(pathNode) is null)
            {
                throw ScimException.InvalidSyntax($"Operations[{i}].path must be a string, not {ScimValues.Describe(pathNode)}");
            }
            var pathText = ScimJson.AsString(pathNode);
            ScimPath? path;
            try
            {
                path = string.IsNullOrWhiteSpace(pathText) ? null : ScimPath.Parse(pathText);
            }
            catch (ScimException problem)
            {
                throw new ScimException(problem.Status, problem.ScimType, $"Operations[{i}].path: {problem.Detail}");
            }
            var hasValue = ScimJson.Key(item, "value") is not null;
            if (op != PatchOp.Remove && !hasValue) throw ScimException.InvalidSyntax($"Operations[{i}] ({op.ToString().ToLowerInvariant()}) has no value");
            if (op != PatchOp.Remove && path is null && ScimJson.Get(item, "value") is null)
            {
                throw ScimException.InvalidSyntax($"Operations[{i}] has neither a path nor a value object");
            }
            operations.Add(new PatchOperation(i, op, path, ScimJson.Get(item, "value")));
        }
        return operations;
    }

    private enum PatchOp { Add, Replace, Remove }

    private sealed record PatchOperation(int Index, PatchOp Op, ScimPath? Path, JsonNode? Value)
    {
        public string Describe() => Op.ToString().ToLowerInvariant() + (Path is null ? "" : $" {Path}");
    }
}

/// <summary>What one operation writes: the attribute, the value filter if any, the sub-attribute if any.</summary>
internal sealed record Target(ScimLocation Location, ScimFilter? Filter, ScimAttribute? Sub, string Shown)
{
    public ScimAttribute Attribute => Location.Attribute;
}
