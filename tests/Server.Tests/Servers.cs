using System;
using System.Collections.Generic;
using System.Threading;
using CallRecordingAdmin.Server.Postgres;
using Npgsql;
using Xunit;

namespace CallRecordingAdmin.Server.Tests
{
    /// <summary>
    /// The servers build.ps1 Test started: CALLRECORDINGADMIN_TEST_PG (an administrator's Npgsql connection string to a
    /// PostgreSQL started for this run) and CALLRECORDINGADMIN_TEST_BLOB (an Azurite connection string). Where the build
    /// could not start one, its _SKIP variable says why, and the tests that need it are Skipped with that reason.
    /// </summary>
    internal static class Servers
    {
        public static string Postgres => Environment.GetEnvironmentVariable("CALLRECORDINGADMIN_TEST_PG");
        public static string Blob => Environment.GetEnvironmentVariable("CALLRECORDINGADMIN_TEST_BLOB");

        public static string Why(string variable, string server) =>
            Environment.GetEnvironmentVariable(variable + "_SKIP") is string why && why.Length > 0
                ? server + " is not available: " + why
                : variable + " is not set: run the tests through 'build.ps1 Test', which starts " + server + ".";
    }

    /// <summary>A test against the real PostgreSQL; Skipped, with the reason, where the build has none.</summary>
    public sealed class PostgresFactAttribute : FactAttribute
    {
        public PostgresFactAttribute()
        {
            if (string.IsNullOrEmpty(Servers.Postgres)) Skip = Servers.Why("CALLRECORDINGADMIN_TEST_PG", "PostgreSQL");
        }
    }

    /// <summary>A test against the real Azurite; Skipped, with the reason, where the build has none.</summary>
    public sealed class AzuriteFactAttribute : FactAttribute
    {
        public AzuriteFactAttribute()
        {
            if (string.IsNullOrEmpty(Servers.Blob)) Skip = Servers.Why("CALLRECORDINGADMIN_TEST_BLOB", "Azurite");
        }
    }

    /// <summary>
    /// A fresh database with the store's schema installed, and login roles with passwords made for it; dropped with the
    /// test. Login roles are cluster-wide, so their names carry the database's unique suffix.
    /// </summary>
    public sealed class PgStore : IDisposable
    {
        private static int _counter;
        private readonly List<string> _roles = new List<string>();
        private readonly NpgsqlConnectionStringBuilder _admin;

        public string Database { get; }
        public string StoreId { get; } = Guid.NewGuid().ToString();
        private readonly string _suffix;

        public PgStore()
        {
            _admin = new NpgsqlConnectionStringBuilder(Servers.Postgres) { Pooling = false };
            _suffix = Environment.ProcessId + "_" + Interlocked.Increment(ref _counter) + "_" + Guid.NewGuid().ToString("N").Substring(0, 6);
            Database = "crec_test_" + _suffix;
            using (var c = Open(_admin.ConnectionString))
            {
                Execute(c, "CREATE DATABASE " + Database);
            }
            using (var c = Admin())
            {
                PostgresSchema.Install(c, StoreId);
            }
        }

        /// <summary>An administrator's (superuser's) connection to the store's database: what installs and maps, never what a person uses.</summary>
        public NpgsqlConnection Admin() => Open(new NpgsqlConnectionStringBuilder(_admin.ConnectionString) { Database = Database }.ConnectionString);

        /// <summary>Creates a login role with a password; optionally maps it to a principal (which grants it crec_user).</summary>
        public Login CreateLogin(string name, string principal = null, string osAccount = "", bool grantUserRole = true)
        {
            var role = "crec_t_" + _suffix + "_" + name;
            var password = Guid.NewGuid().ToString("N");
            using (var c = Admin())
            {
                Execute(c, "CREATE ROLE " + role + " LOGIN PASSWORD '" + password + "'");
                _roles.Add(role);
                if (principal != null) PostgresSchema.MapPrincipal(c, role, principal, osAccount);
                else if (grantUserRole) Execute(c, "GRANT " + PostgresSchema.UserRole + " TO " + role);
            }
            return new Login(role, password, new NpgsqlConnectionStringBuilder(_admin.ConnectionString) { Database = Database, Username = role, Password = password }.ConnectionString);
        }

        public static NpgsqlConnection Open(string connectionString)
        {
            var c = new NpgsqlConnection(connectionString);
            c.Open();
            return c;
        }

        public static int Execute(NpgsqlConnection c, string sql)
        {
            using (var cmd = new NpgsqlCommand(sql, c)) return cmd.ExecuteNonQuery();
        }

        public static object Scalar(NpgsqlConnection c, string sql)
        {
            using (var cmd = new NpgsqlCommand(sql, c)) return cmd.ExecuteScalar();
        }

        public void Dispose()
        {
            using (var c = Open(_admin.ConnectionString))
            {
                Execute(c, "DROP DATABASE IF EXISTS " + Database + " WITH (FORCE)");
                foreach (var role in _roles) Execute(c, "DROP ROLE IF EXISTS " + role);
            }
        }
    }

    public sealed class Login
    {
        public Login(string role, string password, string connectionString) { Role = role; Password = password; ConnectionString = connectionString; }
        public string Role { get; }
        public string Password { get; }
        /// <summary>What a person with psql has: their own login and password, straight to the database.</summary>
        public string ConnectionString { get; }
        public NpgsqlConnection Open() => PgStore.Open(ConnectionString);
    }
}
