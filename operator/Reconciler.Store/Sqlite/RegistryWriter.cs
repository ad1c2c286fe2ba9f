using Microsoft.Data.Sqlite;
using Reconciler.Core.Planning;
using Reconciler.Core.Registry;
using Reconciler.Store.Contract;

namespace Reconciler.Store.Sqlite;

/// <summary>
/// Applies a plan to the registry in one transaction. Each change upserts its <see cref="PlanAction.After"/> row;
/// the upsert only writes when a column other than the timestamps differs, and only a written row gets an audit
/// entry, so applying the same plan again writes nothing.
/// </summary>
internal static class RegistryWriter
{
    // created_at is kept from the first insert: it says when the registry first had the user.
    private const string Upsert = $"""
        INSERT INTO users ({RegistryTable.Columns})
        VALUES ($source, $externalId, $userName, $email, $displayName, $givenName, $surname, $department, $title,
                $state, $mapping, $profile, $storageRegion, $quotaBytes, $quotaPolicy, $loginMechanism, $createdAt, $updatedAt)
        ON CONFLICT (source, external_id) DO UPDATE SET
            user_name = excluded.user_name, email = excluded.email, display_name = excluded.display_name,
            given_name = excluded.given_name, surname = excluded.surname, department = excluded.department,
            title = excluded.title, state = excluded.state, mapping = excluded.mapping, profile = excluded.profile,
            storage_region = excluded.storage_region, quota_bytes = excluded.quota_bytes,
            quota_policy = excluded.quota_policy, login_mechanism = excluded.login_mechanism,
            updated_at = excluded.updated_at
        WHERE users.user_name <> excluded.user_name OR users.email <> excluded.email
           OR users.display_name <> excluded.display_name OR users.given_name <> excluded.given_name
           OR users.surname <> excluded.surname OR users.department <> excluded.department
           OR users.title <> excluded.title OR users.state <> excluded.state OR users.mapping <> excluded.mapping
           OR users.profile <> excluded.profile OR users.storage_region <> excluded.storage_region
           OR users.quota_bytes <> excluded.quota_bytes OR users.quota_policy IS NOT excluded.quota_policy
           OR users.login_mechanism <> excluded.login_mechanism
        """;

    // Parameter numbers, in the order of the VALUES above (checked by Expect).
    private const int Source = 1, ExternalId = 2, UserName = 3, Email = 4, DisplayName = 5, GivenName = 6, Surname = 7,
        Department = 8, Title = 9, State = 10, Mapping = 11, Profile = 12, StorageRegion = 13, QuotaBytes = 14,
        QuotaPolicy = 15, LoginMechanism = 16, CreatedAt = 17, UpdatedAt = 18;

    private const string InsertAudit = """
        INSERT INTO audit (at, action, source, external_id, email, mapping, reason, revision, details)
        VALUES ($at, $action, $source, $externalId, $email, $mapping, $reason, $revision, $details)
        """;

    private const int AuditAt = 1, AuditAction = 2, AuditSource = 3, AuditExternalId = 4, AuditEmail = 5,
        AuditMapping = 6, AuditReason = 7, AuditRevision = 8, AuditDetails = 9;

    public static ApplyResult Apply(SqliteConnection connection, Plan plan, ApplyContext context, CancellationToken cancellationToken)
    {
        if (plan.Changes.Count == 0) return new ApplyResult(0, 0);

        // Disposing the transaction without Commit rolls everything back, whatever was thrown.
        using var transaction = connection.BeginTransaction(deferred: false);
        using var upsert = new SqliteStatement(connection, Upsert).Expect(
            "$source", "$externalId", "$userName", "$email", "$displayName", "$givenName", "$surname", "$department",
            "$title", "$state", "$mapping", "$profile", "$storageRegion", "$quotaBytes", "$quotaPolicy",
            "$loginMechanism", "$createdAt", "$updatedAt");
        using var audit = new SqliteStatement(connection, InsertAudit).Expect(
            "$at", "$action", "$source", "$externalId", "$email", "$mapping", "$reason", "$revision", "$details");
        audit.Bind(AuditAt, ColumnFormat.Timestamp(context.Now));
        audit.Bind(AuditRevision, context.Revision);
        var created = new TimestampText();
        var updated = new TimestampText();
        var json = new JsonColumns();
        var written = 0;
        for (var i = 0; i < plan.Changes.Count; i++)
        {
            if (i % 1024 == 0) cancellationToken.ThrowIfCancellationRequested();
            var change = plan.Changes[i];
            var user = change.After;
            upsert.Bind(Source, user.Source);
            upsert.Bind(ExternalId, user.ExternalId);
            upsert.Bind(UserName, user.Details.UserName);
            upsert.Bind(Email, user.Details.Email);
            upsert.Bind(DisplayName, user.Details.DisplayName);
            upsert.Bind(GivenName, user.Details.GivenName);
            upsert.Bind(Surname, user.Details.Surname);
            upsert.Bind(Department, user.Details.Department);
            upsert.Bind(Title, user.Details.Title);
            upsert.Bind(State, ColumnFormat.State(user.State));
            upsert.Bind(Mapping, user.Mapping);
            upsert.Bind(Profile, user.Profile);
            upsert.Bind(StorageRegion, user.StorageRegion);
            upsert.Bind(QuotaBytes, user.QuotaBytes);
            upsert.Bind(QuotaPolicy, user.QuotaPolicy);
            upsert.Bind(LoginMechanism, ColumnFormat.Login(user.LoginMechanism));
            upsert.Bind(CreatedAt, created.Format(user.CreatedAt));
            upsert.Bind(UpdatedAt, updated.Format(user.UpdatedAt));
            if (upsert.Execute() == 0) continue;

            audit.Bind(AuditAction, change.Verb);
            audit.Bind(AuditSource, user.Source);
            audit.Bind(AuditExternalId, user.ExternalId);
            audit.Bind(AuditEmail, user.Email);
            audit.Bind(AuditMapping, user.Mapping);
            audit.Bind(AuditReason, change.Reason);
            audit.BindUtf8(AuditDetails, change switch
            {
                Update u => json.FieldChangesUtf8(u.Fields),
                Restore r => json.FieldChangesUtf8(r.Fields),
                _ => "[]"u8,
            });
            audit.Execute();
            written++;
        }
        cancellationToken.ThrowIfCancellationRequested();
        transaction.Commit();
        return new ApplyResult(written, written);
    }

    /// <summary>Formats timestamps, reusing the text while a plan stamps row after row with the same time.</summary>
    private sealed class TimestampText
    {
        private long ticks = -1;
        private string text = "";

        public string Format(DateTimeOffset value)
        {
            if (value.UtcTicks != ticks)
            {
                ticks = value.UtcTicks;
                text = ColumnFormat.Timestamp(value);
            }
            return text;
        }
    }
}
