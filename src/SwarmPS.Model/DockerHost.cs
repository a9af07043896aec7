using System.Collections.Generic;
using System.Collections.ObjectModel;

namespace SwarmPS
{
    /// <summary>A Docker engine reachable over its API, with the essentials of docker info.</summary>
    public sealed class DockerHost
    {
        public DockerHost(
            string name,
            string address,
            string endpoint,
            bool tls,
            string engineVersion,
            string apiVersion,
            IDictionary<string, string> labels,
            bool changed,
            DockerHostDetails details)
        {
            Name = name;
            Address = address;
            Endpoint = endpoint;
            Tls = tls;
            EngineVersion = engineVersion;
            ApiVersion = apiVersion;
            // A read-only IDictionary so PowerShell's $h.Labels.storage works and nothing can change it.
            Labels = new ReadOnlyDictionary<string, string>(new SortedDictionary<string, string>(labels));
            Changed = changed;
            OperatingSystem = details.OperatingSystem;
            KernelVersion = details.KernelVersion;
            CPUs = details.CPUs;
            Memory = details.Memory;
            Containers = details.Containers;
            ContainersRunning = details.ContainersRunning;
            Images = details.Images;
            StorageDriver = details.StorageDriver;
            SwarmState = details.SwarmState;
        }

        /// <summary>The host name the engine was reached by.</summary>
        public string Name { get; }

        public string Address { get; }

        /// <summary>The Engine API endpoint, such as tcp://10.0.0.5:2376.</summary>
        public string Endpoint { get; }

        /// <summary>True when the endpoint requires mutual TLS.</summary>
        public bool Tls { get; }

        public string EngineVersion { get; }

        /// <summary>The API version SwarmPS speaks with this engine (the lower of the engine's and the library's).</summary>
        public string ApiVersion { get; }

        /// <summary>The engine labels (daemon.json labels), such as storage=ssd.</summary>
        public IDictionary<string, string> Labels { get; }

        /// <summary>True when the command that returned this object changed the host.</summary>
        public bool Changed { get; }

        public string OperatingSystem { get; }

        public string KernelVersion { get; }

        public int CPUs { get; }

        /// <summary>Total memory in bytes.</summary>
        public long Memory { get; }

        public int Containers { get; }

        public int ContainersRunning { get; }

        public int Images { get; }

        public string StorageDriver { get; }

        /// <summary>The engine's swarm state: inactive, pending, active, error or locked.</summary>
        public string SwarmState { get; }

        public override string ToString() => Name;
    }

    /// <summary>The docker info part of a <see cref="DockerHost"/>.</summary>
    public sealed class DockerHostDetails
    {
        public string OperatingSystem { get; init; } = string.Empty;

        public string KernelVersion { get; init; } = string.Empty;

        public int CPUs { get; init; }

        public long Memory { get; init; }

        public int Containers { get; init; }

        public int ContainersRunning { get; init; }

        public int Images { get; init; }

        public string StorageDriver { get; init; } = string.Empty;

        public string SwarmState { get; init; } = string.Empty;
    }
}
