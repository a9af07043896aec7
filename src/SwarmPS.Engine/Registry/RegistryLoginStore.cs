using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SwarmPS.Engine.State;

namespace SwarmPS.Engine.Registry
{
    /// <summary>
    /// Registry logins saved by Connect-SwarmRegistry, in the state directory's registries.json, in the layout of
    /// the Docker CLI's config.json ("auths": registry → base64 of user:password), readable by the owner only.
    /// </summary>
    public sealed class RegistryLoginStore
    {
        private static readonly object Gate = new object();

        public RegistryLoginStore(string? directory = null)
        {
            Directory = directory ?? SwarmPaths.StateDirectory;
        }

        public string Directory { get; }

        public string FilePath => System.IO.Path.Combine(Directory, "registries.json");

        /// <summary>
        /// The key a registry's login is filed under, from what a user types: docker.io, index.docker.io and
        /// Docker Hub's URL all mean Docker Hub; a scheme and path around host[:port] are dropped, as docker login drops them.
        /// </summary>
        public static string KeyOf(string registry)
        {
            string text = (registry ?? string.Empty).Trim();
            int scheme = text.IndexOf("://", StringComparison.Ordinal);
            if (scheme >= 0)
            {
                text = text.Substring(scheme + 3);
            }

            int slash = text.IndexOf('/');
            if (slash >= 0)
            {
                text = text.Substring(0, slash);
            }

            text = text.ToLowerInvariant();
            if (text.Length == 0 || text.IndexOfAny(new[] { ' ', '@', '\\' }) >= 0)
            {
                throw new SwarmException("RegistryInvalid", SwarmErrorKind.InvalidArgument,
                    $"'{registry}' is not a registry. Give its host and port, for example registry.example.com:5000, or docker.io for Docker Hub.", registry);
            }

            return text is "docker.io" or "index.docker.io" or "registry-1.docker.io" ? ImageReference.DockerHubAuthKey : text;
        }

        /// <summary>The saved login for a registry (by its key), or null.</summary>
        public RegistryLogin? Find(string registryKey)
        {
            lock (Gate)
            {
                return ReadAll().FirstOrDefault(login => login.Registry == registryKey);
            }
        }

        public IReadOnlyList<RegistryLogin> List()
        {
            lock (Gate)
            {
                return ReadAll();
            }
        }

        /// <summary>Saves or replaces a login; false when the same one was saved already.</summary>
        public bool Save(RegistryLogin login)
        {
            lock (Gate)
            {
                var logins = ReadAll().ToList();
                RegistryLogin? existing = logins.FirstOrDefault(l => l.Registry == login.Registry);
                if (existing != null && existing.UserName == login.UserName && existing.Password == login.Password)
                {
                    return false;
                }

                logins.RemoveAll(l => l.Registry == login.Registry);
                logins.Add(login);
                WriteAll(logins);
                return true;
            }
        }

        /// <summary>Forgets a registry's login; false when none was saved.</summary>
        public bool Remove(string registryKey)
        {
            lock (Gate)
            {
                var logins = ReadAll().ToList();
                if (logins.RemoveAll(l => l.Registry == registryKey) == 0)
                {
                    return false;
                }

                WriteAll(logins);
                return true;
            }
        }

        private List<RegistryLogin> ReadAll()
        {
            var logins = new List<RegistryLogin>();
            if (!File.Exists(FilePath))
            {
                return logins;
            }

            try
            {
                JsonObject? auths = JsonNode.Parse(File.ReadAllText(FilePath))?["auths"] as JsonObject;
                foreach (KeyValuePair<string, JsonNode?> entry in auths ?? new JsonObject())
                {
                    string? encoded = entry.Value?["auth"]?.GetValue<string>();
                    string pair = Encoding.UTF8.GetString(Convert.FromBase64String(encoded ?? string.Empty));
                    int colon = pair.IndexOf(':');
                    if (colon > 0)
                    {
                        logins.Add(new RegistryLogin(entry.Key, pair.Substring(0, colon), pair.Substring(colon + 1)));
                    }
                }
            }
            catch (Exception failure) when (failure is JsonException || failure is FormatException || failure is InvalidOperationException)
            {
                // The message names the file only: its content is credentials.
                throw new SwarmException("RegistryLoginsInvalid", SwarmErrorKind.InvalidData,
                    $"The saved registry logins in {FilePath} cannot be read. Remove the file and run Connect-SwarmRegistry again for each registry.", FilePath);
            }

            return logins;
        }

        private void WriteAll(IEnumerable<RegistryLogin> logins)
        {
            System.IO.Directory.CreateDirectory(Directory);
            var auths = new JsonObject();
            foreach (RegistryLogin login in logins.OrderBy(l => l.Registry, StringComparer.Ordinal))
            {
                auths[login.Registry] = new JsonObject { ["auth"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(login.UserName + ":" + login.Password)) };
            }

            string json = new JsonObject { ["auths"] = auths }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
            AtomicFile.Write(FilePath, json, UnixFileMode.UserRead | UnixFileMode.UserWrite, overwrite: true);
        }
    }
}
