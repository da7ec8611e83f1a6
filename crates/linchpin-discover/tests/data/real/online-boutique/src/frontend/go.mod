module github.com/GoogleCloudPlatform/microservices-demo/src/frontend

go 1.22

require (
	cloud.google.com/go/profiler v0.4.0
	github.com/gorilla/mux v1.8.1
	github.com/sirupsen/logrus v1.9.3
	go.opentelemetry.io/otel v1.24.0
	google.golang.org/grpc v1.62.0
	cloud.google.com/go/compute/metadata v0.2.3 // indirect
)
