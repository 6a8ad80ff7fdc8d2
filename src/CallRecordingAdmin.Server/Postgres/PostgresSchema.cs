using System;
using System.IO;
using CallRecordingAdmin.Engine.Audit;
using Npgsql;

namespace CallRecordingAdmin.Server.Postgres
{
    /// <summary>
    /// Creates the server store's schema (Schema.sql: the owner and user roles, schema crec, the principal map and the
    /// audit chain with its SECURITY DEFINER append) and maps database logins to principals. Run by an administrator's
    /// connection; the people who use the store never run it.
    /// </summary>
    public static class PostgresSchema
    {
        /// <summary>The NOLOGIN role that owns every object of the store.</summary>
        public const string OwnerRole = "crec_owner";
        /// <summary>The NOLOGIN role granted to each person's login: EXECUTE on the functions, SELECT on the views, nothing on tables.</summary>
        public const string UserRole = "crec_user";

        /// <summary>The installation script, as shipped inside this assembly.</summary>
        public static string Script()
        {
            using (var stream = typeof(PostgresSchema).Assembly.GetManifestResourceStream("CallRecordingAdmin.Server.Postgres.Schema.sql"))
            using (var reader = new StreamReader(stream))
            {
                return reader.ReadToEnd();
            }
        }

        /// <summary>
        /// Installs the schema into the connection's database in one transaction, with the store's identity and the
        /// audit chain's head at the engine's genesis for <paramref name="storeId"/>.
        /// </summary>
        public static void Install(NpgsqlConnection admin, string storeId)
        {
            if (admin == null) throw new ArgumentNullException(nameof(admin));
            if (string.IsNullOrEmpty(storeId)) throw new ArgumentException("A store id is required.", nameof(storeId));
            using (var tx = admin.BeginTransaction())
            {
                using (var cmd = new NpgsqlCommand(Script(), admin, tx))
                {
                    cmd.ExecuteNonQuery();
                }
                using (var cmd = new NpgsqlCommand(
                    "INSERT INTO crec.store(store_id) VALUES (@id); INSERT INTO crec.audit_head(seq, hash) VALUES (0, @genesis)", admin, tx))
                {
                    cmd.Parameters.AddWithValue("id", storeId);
                    cmd.Parameters.AddWithValue("genesis", AuditChain.Genesis(storeId));
                    cmd.ExecuteNonQuery();
                }
                tx.Commit();
            }
        }

        /// <summary>
        /// Says which principal a database login is (and its operating-system account), and grants the login the user role.
        /// The login must exist; mapping it again replaces its principal.
        /// </summary>
        public static void MapPrincipal(NpgsqlConnection admin, string dbRole, string principal, string osAccount = "")
        {
            if (admin == null) throw new ArgumentNullException(nameof(admin));
            using (var tx = admin.BeginTransaction())
            {
                using (var cmd = new NpgsqlCommand(
                    "INSERT INTO crec.principal_map(db_role, principal, os_account) VALUES (@role, @principal, @os) " +
                    "ON CONFLICT (db_role) DO UPDATE SET principal = excluded.principal, os_account = excluded.os_account", admin, tx))
                {
                    cmd.Parameters.AddWithValue("role", dbRole);
                    cmd.Parameters.AddWithValue("principal", principal);
                    cmd.Parameters.AddWithValue("os", osAccount ?? "");
                    cmd.ExecuteNonQuery();
                }
                // GRANT takes no parameters: the role name is quoted as an identifier after checking that the role exists.
                string quoted;
                using (var cmd = new NpgsqlCommand("SELECT quote_ident(rolname) FROM pg_catalog.pg_roles WHERE rolname = @role", admin, tx))
                {
                    cmd.Parameters.AddWithValue("role", dbRole);
                    quoted = cmd.ExecuteScalar() as string;
                }
                if (quoted == null) throw new ArgumentException("There is no database role '" + dbRole + "'.", nameof(dbRole));
                using (var cmd = new NpgsqlCommand("GRANT " + UserRole + " TO " + quoted, admin, tx))
                {
                    cmd.ExecuteNonQuery();
                }
                tx.Commit();
            }
        }
    }
}
