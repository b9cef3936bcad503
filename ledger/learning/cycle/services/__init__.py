"""The cycle's services: assessments (tự đánh giá, bình xét) and recognitions (quyết định công nhận)."""
