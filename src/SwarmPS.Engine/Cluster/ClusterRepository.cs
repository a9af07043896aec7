using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace SwarmPS.Engine.Cluster
{
    /// <summary>Saves clusters as JSON files under the state directory, one per name, plus which one is current.</summary>
    public sealed class ClusterRepository
    {
        private static readonly Regex ValidName = new Regex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$", RegexOptions.CultureInvariant);
        private static readonly JsonSerializerOptions Json = new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
        private static readonly object Gate = new object();

        private readonly string directory;

        public ClusterRepository(string stateDirectory)
        {
            directory = Path.Combine(stateDirectory, "clusters");
        }

        public string PathOf(string name) => Path.Combine(directory, name + ".json");

        public static void ValidateName(string name)
        {
            if (!ValidName.IsMatch(name))
            {
                throw new SwarmException("ClusterNameInvalid", SwarmErrorKind.InvalidArgument,
                    $"'{name}' is not a valid cluster name. Use letters, digits, '.', '_' and '-', starting with a letter or digit, at most 63 characters, for example 'prod-eu'.", name);
            }
        }

        public bool Exists(string name) => File.Exists(PathOf(name));

        /// <summary>The cluster as saved, without asking its managers: name, swarm id, members, file.</summary>
        public SwarmCluster Summarize(ClusterRecord record, bool isCurrent) => new SwarmCluster(new SwarmClusterData
        {
            Name = record.Name,
            Id = record.SwarmId,
            CreatedAt = record.CreatedAt,
            Members = record.Members.Select(m => m.Name).ToList(),
            IsCurrent = isCurrent,
            Path = PathOf(record.Name),
        });

        public ClusterRecord Load(string name)
        {
            ValidateName(name);
            string path = PathOf(name);
            if (!File.Exists(path))
            {
                string known = string.Join(", ", List());
                throw new SwarmException("ClusterNotFound", SwarmErrorKind.ObjectNotFound,
                    $"No cluster named '{name}' in {directory}. {(known.Length == 0 ? "Create one with New-SwarmCluster -Name " + name + "." : "Known clusters: " + known + ".")}", name);
            }

            try
            {
                return JsonSerializer.Deserialize<ClusterRecord>(File.ReadAllText(path), Json)
                    ?? throw new JsonException("empty file");
            }
            catch (JsonException failure)
            {
                throw new SwarmException("ClusterFileInvalid", SwarmErrorKind.InvalidData,
                    $"The cluster file {path} is damaged: {failure.Message} Restore it from a backup or remove it.", name, failure);
            }
        }

        public void Save(ClusterRecord record)
        {
            ValidateName(record.Name);
            lock (Gate)
            {
                CreateDirectory();
                string path = PathOf(record.Name);
                string temporary = path + ".tmp";
                File.WriteAllText(temporary, JsonSerializer.Serialize(record, Json));
                File.Move(temporary, path, overwrite: true);
            }
        }

        /// <summary>Loads, changes and saves under one lock, so parallel joins do not lose each other's members.</summary>
        public void Update(string name, Action<ClusterRecord> change)
        {
            lock (Gate)
            {
                ClusterRecord record = Load(name);
                change(record);
                Save(record);
            }
        }

        public void Delete(string name)
        {
            lock (Gate)
            {
                File.Delete(PathOf(name));
                if (string.Equals(Current, name, StringComparison.Ordinal))
                {
                    File.Delete(CurrentPath);
                }
            }
        }

        public IReadOnlyList<string> List()
        {
            if (!Directory.Exists(directory))
            {
                return Array.Empty<string>();
            }

            return Directory.GetFiles(directory, "*.json").Select(Path.GetFileNameWithoutExtension).OfType<string>().OrderBy(n => n, StringComparer.OrdinalIgnoreCase).ToList();
        }

        /// <summary>
        /// The rule for which cluster a command works on: the one named, else the current one. Fails
        /// with NoCurrentCluster when neither is there.
        /// </summary>
        public string ResolveName(string? requested) => requested ?? Current
            ?? throw new SwarmException("NoCurrentCluster", SwarmErrorKind.InvalidOperation,
                "No cluster is current. Create one with New-SwarmCluster -Name <name>, make one current with Get-SwarmCluster -Name <name> -Use, or name one with -Cluster.");

        /// <summary>The cluster used when -Cluster is left out, like docker context use; kept in the state directory, so every session sees it.</summary>
        public string? Current
        {
            get
            {
                string? name = File.Exists(CurrentPath) ? File.ReadAllText(CurrentPath).Trim() : null;
                return string.IsNullOrEmpty(name) || !Exists(name) ? null : name;
            }

            set
            {
                lock (Gate)
                {
                    CreateDirectory();
                    if (value == null)
                    {
                        File.Delete(CurrentPath);
                    }
                    else
                    {
                        File.WriteAllText(CurrentPath, value);
                    }
                }
            }
        }

        private string CurrentPath => Path.Combine(directory, "current");

        private void CreateDirectory()
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(directory);
            }
            else
            {
                Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
    }
}
